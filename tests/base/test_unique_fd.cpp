/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"

using primecam::UniqueFd;

namespace {

int newMemfd()
{
	return ::memfd_create("primecam-test", MFD_CLOEXEC);
}

bool isOpen(int fd)
{
	return ::fcntl(fd, F_GETFD) >= 0;
}

} /* namespace */

TEST(UniqueFd, ClosesOnDestruction)
{
	int raw;
	{
		UniqueFd fd(newMemfd());
		raw = fd.get();
		ASSERT_TRUE(isOpen(raw));
	}
	EXPECT_FALSE(isOpen(raw));
}

TEST(UniqueFd, DefaultIsInvalid)
{
	UniqueFd fd;
	EXPECT_FALSE(fd.isValid());
	EXPECT_FALSE(fd);
	EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFd, ReleaseGivesUpOwnership)
{
	int raw;
	{
		UniqueFd fd(newMemfd());
		raw = fd.release();
		EXPECT_FALSE(fd.isValid());
	}
	EXPECT_TRUE(isOpen(raw));
	::close(raw);
}

TEST(UniqueFd, MoveTransfersOwnership)
{
	UniqueFd a(newMemfd());
	int raw = a.get();
	UniqueFd b(std::move(a));
	EXPECT_FALSE(a.isValid());
	EXPECT_EQ(b.get(), raw);

	UniqueFd c(newMemfd());
	int old = c.get();
	c = std::move(b);
	EXPECT_EQ(c.get(), raw);
	EXPECT_FALSE(isOpen(old)) << "move-assignment must close what it replaces";
	EXPECT_TRUE(isOpen(raw));
}

TEST(UniqueFd, SelfMoveKeepsFdOpen)
{
	UniqueFd a(newMemfd());
	int raw = a.get();
	UniqueFd &alias = a;
	a = std::move(alias);
	EXPECT_EQ(a.get(), raw);
	EXPECT_TRUE(isOpen(raw));
}

TEST(UniqueFd, ResetToSameFdDoesNotClose)
{
	UniqueFd a(newMemfd());
	int raw = a.get();
	a.reset(raw);
	EXPECT_TRUE(isOpen(raw));
	a.reset();
	EXPECT_FALSE(isOpen(raw));
}

TEST(UniqueFd, DupIsSameFileWithCloexec)
{
	UniqueFd a(newMemfd());
	auto b = a.dup();
	ASSERT_TRUE(b.ok()) << b.error().message;
	EXPECT_NE(b->get(), a.get());
	struct stat sa, sb;
	ASSERT_EQ(::fstat(a.get(), &sa), 0);
	ASSERT_EQ(::fstat(b->get(), &sb), 0);
	EXPECT_EQ(sa.st_ino, sb.st_ino);
	EXPECT_TRUE(::fcntl(b->get(), F_GETFD) & FD_CLOEXEC);
}

TEST(UniqueFd, DupOfInvalidFdNamesIt)
{
	UniqueFd a;
	auto b = a.dup();
	ASSERT_FALSE(b.ok());
	EXPECT_EQ(b.error().code, EBADF);
	EXPECT_NE(b.error().message.find("EBADF"), std::string::npos) << b.error().message;
}
