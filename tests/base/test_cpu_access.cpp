/* SPDX-License-Identifier: MIT */
#include <deque>
#include <vector>

#include <gtest/gtest.h>
#include <linux/dma-buf.h>
#include <sys/mman.h>

#include "base/cpu_access.h"
#include "base/unique_fd.h"

using primecam::CpuAccess;
using primecam::UniqueFd;

namespace {

/* A fake DMA_BUF_IOCTL_SYNC: records every attempt, answers from a script. */
struct FakeSync {
	struct Call {
		int fd;
		uint64_t flags;
	};
	static inline std::vector<Call> calls;
	static inline std::deque<int> answers; /* empty: succeed */

	static int sync(int fd, uint64_t flags)
	{
		calls.push_back({fd, flags});
		if (answers.empty())
			return 0;
		int ret = answers.front();
		answers.pop_front();
		return ret;
	}
};

class CpuAccessTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		FakeSync::calls.clear();
		FakeSync::answers.clear();
	}
};

} /* namespace */

TEST_F(CpuAccessTest, StartOnBeginEndOnDestruction)
{
	{
		auto access = CpuAccess::begin(7, CpuAccess::Mode::Read, &FakeSync::sync);
		ASSERT_TRUE(access.ok());
		ASSERT_EQ(FakeSync::calls.size(), 1u);
		EXPECT_EQ(FakeSync::calls[0].fd, 7);
		EXPECT_EQ(FakeSync::calls[0].flags, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	}
	ASSERT_EQ(FakeSync::calls.size(), 2u);
	EXPECT_EQ(FakeSync::calls[1].flags, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

TEST_F(CpuAccessTest, ModesMapToKernelFlags)
{
	const std::pair<CpuAccess::Mode, uint64_t> cases[] = {
		{CpuAccess::Mode::Read, DMA_BUF_SYNC_READ},
		{CpuAccess::Mode::Write, DMA_BUF_SYNC_WRITE},
		{CpuAccess::Mode::ReadWrite, DMA_BUF_SYNC_RW},
	};
	for (auto [mode, flag] : cases) {
		FakeSync::calls.clear();
		{
			auto access = CpuAccess::begin(3, mode, &FakeSync::sync);
			ASSERT_TRUE(access.ok());
		}
		ASSERT_EQ(FakeSync::calls.size(), 2u);
		EXPECT_EQ(FakeSync::calls[0].flags, DMA_BUF_SYNC_START | flag);
		EXPECT_EQ(FakeSync::calls[1].flags, DMA_BUF_SYNC_END | flag);
	}
}

TEST_F(CpuAccessTest, RetriesEintrAndEagain)
{
	FakeSync::answers = {-EINTR, -EAGAIN, 0, /* END: */ -EINTR, 0};
	{
		auto access = CpuAccess::begin(5, CpuAccess::Mode::Write, &FakeSync::sync);
		ASSERT_TRUE(access.ok());
		EXPECT_EQ(FakeSync::calls.size(), 3u);
		EXPECT_EQ(access->end(), 0);
	}
	EXPECT_EQ(FakeSync::calls.size(), 5u);
	/* DMA_BUF_SYNC_START is 0: a START is a call without the END bit. */
	for (size_t i = 0; i < 3; ++i)
		EXPECT_FALSE(FakeSync::calls[i].flags & DMA_BUF_SYNC_END);
	for (size_t i = 3; i < 5; ++i)
		EXPECT_TRUE(FakeSync::calls[i].flags & DMA_BUF_SYNC_END);
}

TEST_F(CpuAccessTest, FailedStartHoldsNothing)
{
	FakeSync::answers = {-EIO};
	{
		auto access = CpuAccess::begin(9, CpuAccess::Mode::ReadWrite, &FakeSync::sync);
		ASSERT_FALSE(access.ok());
		EXPECT_EQ(access.error().code, EIO);
		EXPECT_NE(access.error().message.find("fd 9"), std::string::npos);
	}
	EXPECT_EQ(FakeSync::calls.size(), 1u) << "no END without a successful START";
}

TEST_F(CpuAccessTest, ExactlyOneEndAcrossMovesAndExplicitEnd)
{
	{
		auto access = CpuAccess::begin(4, CpuAccess::Mode::Read, &FakeSync::sync);
		ASSERT_TRUE(access.ok());
		CpuAccess moved(std::move(*access));
		EXPECT_FALSE(access->isActive());
		CpuAccess assigned;
		assigned = std::move(moved);
		EXPECT_TRUE(assigned.isActive());
		EXPECT_EQ(assigned.end(), 0);
		EXPECT_EQ(assigned.end(), 0);
		EXPECT_FALSE(assigned.isActive());
	}
	ASSERT_EQ(FakeSync::calls.size(), 2u);
	EXPECT_EQ(FakeSync::calls[1].flags, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

TEST_F(CpuAccessTest, MoveAssignEndsTheReplacedAccess)
{
	auto a = CpuAccess::begin(1, CpuAccess::Mode::Read, &FakeSync::sync);
	auto b = CpuAccess::begin(2, CpuAccess::Mode::Write, &FakeSync::sync);
	ASSERT_TRUE(a.ok() && b.ok());
	*a = std::move(*b);
	ASSERT_EQ(FakeSync::calls.size(), 3u);
	EXPECT_EQ(FakeSync::calls[2].fd, 1);
	EXPECT_EQ(FakeSync::calls[2].flags, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

TEST_F(CpuAccessTest, EndErrorIsReported)
{
	auto access = CpuAccess::begin(6, CpuAccess::Mode::Write, &FakeSync::sync);
	ASSERT_TRUE(access.ok());
	FakeSync::answers = {-EINVAL};
	EXPECT_EQ(access->end(), -EINVAL);
}

/* The real ioctl on a memfd: the kernel says ENOTTY, and the message says why. */
TEST(CpuAccess, MemfdIsNotADmaBuf)
{
	UniqueFd fd(::memfd_create("primecam-test", MFD_CLOEXEC));
	auto access = CpuAccess::begin(fd.get(), CpuAccess::Mode::Read);
	ASSERT_FALSE(access.ok());
	EXPECT_EQ(access.error().code, ENOTTY);
	EXPECT_NE(access.error().message.find("not a dma-buf"), std::string::npos)
		<< access.error().message;
}
