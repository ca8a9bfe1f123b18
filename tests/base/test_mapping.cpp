/* SPDX-License-Identifier: MIT */
#include <cstring>

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/mapping.h"
#include "base/unique_fd.h"
#include "test_memfd.h"

using primecam::Mapping;
using primecam::UniqueFd;
using primecam::test::sizedMemfd;

namespace {

/* mincore() fails with ENOMEM for an address range that is not mapped. */
bool isMapped(void *addr, size_t length)
{
	unsigned char vec[16];
	return ::mincore(addr, length, vec) == 0;
}

} /* namespace */

TEST(Mapping, WritesReachTheFile)
{
	UniqueFd fd = sizedMemfd(4096);
	auto map = Mapping::map(fd.get(), 4096, Mapping::ReadWrite);
	ASSERT_TRUE(map.ok()) << map.error().message;
	ASSERT_EQ(map->size(), 4096u);
	std::memcpy(map->data().data() + 100, "primecam", 8);

	char back[8] = {};
	ASSERT_EQ(::pread(fd.get(), back, sizeof(back), 100), 8);
	EXPECT_EQ(std::memcmp(back, "primecam", 8), 0);
}

TEST(Mapping, UnmapsOnDestructionAndMove)
{
	UniqueFd fd = sizedMemfd(4096);
	void *addr;
	{
		auto map = Mapping::map(fd.get(), 4096, Mapping::Read);
		ASSERT_TRUE(map.ok());
		addr = map->data().data();
		ASSERT_TRUE(isMapped(addr, 4096));

		Mapping moved = std::move(*map);
		EXPECT_FALSE(map->isValid());
		EXPECT_TRUE(moved.isValid());
		EXPECT_EQ(moved.data().data(), addr);
		EXPECT_TRUE(isMapped(addr, 4096)) << "a moved-from mapping must not unmap";
	}
	EXPECT_FALSE(isMapped(addr, 4096));
}

TEST(Mapping, MoveAssignUnmapsThePrevious)
{
	UniqueFd fd = sizedMemfd(8192);
	auto a = Mapping::map(fd.get(), 4096, Mapping::Read);
	auto b = Mapping::map(fd.get(), 4096, Mapping::Read, 4096);
	ASSERT_TRUE(a.ok() && b.ok());
	void *oldAddr = a->data().data();
	*a = std::move(*b);
	EXPECT_FALSE(isMapped(oldAddr, 4096));
	EXPECT_TRUE(a->isValid());
}

TEST(Mapping, ZeroLengthIsRefused)
{
	UniqueFd fd = sizedMemfd(4096);
	auto map = Mapping::map(fd.get(), 0, Mapping::Read, 0, "test buffer");
	ASSERT_FALSE(map.ok());
	EXPECT_EQ(map.error().code, EINVAL);
	EXPECT_NE(map.error().message.find("test buffer"), std::string::npos);
}

TEST(Mapping, BadFdErrorNamesTheObject)
{
	auto map = Mapping::map(-1, 4096, Mapping::Read, 0, "plane 0 of buffer 3");
	ASSERT_FALSE(map.ok());
	EXPECT_EQ(map.error().code, EBADF);
	EXPECT_NE(map.error().message.find("plane 0 of buffer 3"), std::string::npos)
		<< map.error().message;
}
