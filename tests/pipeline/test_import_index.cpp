/* SPDX-License-Identifier: MIT */
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/import_index.h"

using namespace primecam;

namespace {

/* A buffer whose plane 0 is dma-buf inode `inode` at `offset`; the fd number
 * is deliberately not part of its identity. */
FrameBuffer buffer(uint32_t index, ino_t inode, uint32_t offset = 0, int fd = 100)
{
	FrameBuffer fb;
	fb.index = index;
	fb.numPlanes = 1;
	fb.planes[0].fd = fd;
	fb.planes[0].id = {1, inode};
	fb.planes[0].offset = offset;
	return fb;
}

} /* namespace */

TEST(ImportIndex, EachUpstreamBufferGetsItsOwnSlotInOrder)
{
	std::vector<FrameBuffer> upstream = {buffer(0, 10), buffer(1, 11), buffer(2, 12)};
	ImportIndex index;
	index.assign(upstream);
	EXPECT_EQ(index.size(), 3u);
	for (uint32_t i = 0; i < 3; ++i)
		EXPECT_EQ(index.find(upstream[i]), i);
}

TEST(ImportIndex, FindsABufferByIdentityNotByFdNumberOrPoolIndex)
{
	ImportIndex index;
	index.assign(std::vector<FrameBuffer>{buffer(0, 10, 0, 5), buffer(1, 11, 0, 6)});
	/* The same memory seen through another fd (a dup, a re-export) and
	 * under another pool index is the same import. */
	EXPECT_EQ(index.find(buffer(7, 11, 0, 42)), 1u);
	/* Another buffer behind the same fd number is not. */
	EXPECT_FALSE(index.find(buffer(0, 99, 0, 5)).has_value());
	/* Nor the same dma-buf at another offset. */
	EXPECT_FALSE(index.find(buffer(0, 10, 4096, 5)).has_value());
}

TEST(ImportIndex, ABufferListedTwiceHasOneSlot)
{
	ImportIndex index;
	index.assign(std::vector<FrameBuffer>{buffer(0, 10), buffer(1, 10), buffer(2, 12)});
	EXPECT_EQ(index.size(), 2u);
	EXPECT_EQ(index.find(buffer(1, 10)), 0u);
	EXPECT_EQ(index.find(buffer(2, 12)), 1u);
}

TEST(ImportIndex, ClearForgetsEverything)
{
	ImportIndex index;
	index.assign(std::vector<FrameBuffer>{buffer(0, 10)});
	index.clear();
	EXPECT_EQ(index.size(), 0u);
	EXPECT_FALSE(index.find(buffer(0, 10)).has_value());
}
