/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <map>
#include <utility>

#include <gtest/gtest.h>

#include "drm/gem_handle_table.h"

using namespace primecam;

namespace {

/* A fake card: each dma-buf "fd" stands for a buffer, and fds 10 and 11 are
 * two fds of one buffer (an EXPBUF and its dup), as PRIME sees them. */
std::map<uint32_t, int> closes;
int importCalls = 0;

int fakeImport(int, int dmaBufFd, uint32_t *handle)
{
	++importCalls;
	if (dmaBufFd < 0) {
		errno = EBADF;
		return -1;
	}
	*handle = dmaBufFd == 11 ? 10 : static_cast<uint32_t>(dmaBufFd);
	return 0;
}

int fakeClose(int, uint32_t handle)
{
	++closes[handle];
	return 0;
}

class GemHandleTableTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		closes.clear();
		importCalls = 0;
	}

	GemHandleTable table{3, "/dev/dri/card9 (fake)", &fakeImport, &fakeClose};
};

} /* namespace */

TEST_F(GemHandleTableTest, SameBufferTwiceSharesOneHandleClosedOnce)
{
	auto a = table.import(10, "buffer 0");
	auto b = table.import(11, "buffer 0 again");
	ASSERT_TRUE(a.ok() && b.ok());
	EXPECT_EQ(a->get(), b->get());
	EXPECT_EQ(table.size(), 1u);
	EXPECT_EQ(table.references(10), 2u);

	a->reset();
	EXPECT_TRUE(closes.empty()) << "closed while a framebuffer still used it";
	EXPECT_EQ(table.references(10), 1u);
	b->reset();
	EXPECT_EQ(closes, (std::map<uint32_t, int>{{10, 1}}));
	EXPECT_EQ(table.size(), 0u);
	b->reset();
	a->reset();
	EXPECT_EQ(closes[10], 1) << "closed twice";
}

TEST_F(GemHandleTableTest, DistinctBuffersHaveTheirOwnHandles)
{
	auto a = table.import(20, "buffer 0");
	auto b = table.import(21, "buffer 1");
	ASSERT_TRUE(a.ok() && b.ok());
	EXPECT_NE(a->get(), b->get());
	a->reset();
	EXPECT_EQ(closes, (std::map<uint32_t, int>{{20, 1}}));
	b->reset();
	EXPECT_EQ(closes, (std::map<uint32_t, int>{{20, 1}, {21, 1}}));
}

TEST_F(GemHandleTableTest, MovingAReferenceDoesNotCloseOrDuplicateIt)
{
	auto a = table.import(10, "buffer 0");
	ASSERT_TRUE(a.ok());
	GemHandle moved = std::move(*a);
	EXPECT_FALSE(*a);
	EXPECT_EQ(moved.get(), 10u);
	EXPECT_EQ(table.references(10), 1u);
	GemHandle assigned;
	assigned = std::move(moved);
	EXPECT_TRUE(closes.empty());
	assigned = GemHandle();
	EXPECT_EQ(closes, (std::map<uint32_t, int>{{10, 1}}));
}

TEST_F(GemHandleTableTest, ReassigningReleasesTheOldReference)
{
	auto a = table.import(20, "buffer 0");
	auto b = table.import(21, "buffer 1");
	ASSERT_TRUE(a.ok() && b.ok());
	*a = std::move(*b);
	EXPECT_EQ(closes, (std::map<uint32_t, int>{{20, 1}}));
	EXPECT_EQ(a->get(), 21u);
	a->reset();
	EXPECT_EQ(closes[21], 1);
}

TEST_F(GemHandleTableTest, FailedImportNamesTheBufferAndCardAndHoldsNothing)
{
	auto a = table.import(-1, "buffer 3 colour plane 0");
	ASSERT_FALSE(a.ok());
	EXPECT_EQ(a.error().code, EBADF);
	EXPECT_NE(a.error().message.find("buffer 3 colour plane 0"), std::string::npos)
		<< a.error().message;
	EXPECT_NE(a.error().message.find("/dev/dri/card9 (fake)"), std::string::npos)
		<< a.error().message;
	EXPECT_NE(a.error().message.find("EBADF"), std::string::npos) << a.error().message;
	EXPECT_EQ(table.size(), 0u);
	EXPECT_TRUE(closes.empty());
}
