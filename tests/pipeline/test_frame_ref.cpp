/* SPDX-License-Identifier: MIT */
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/buffer_slots.h"

using namespace primecam;

namespace {

std::vector<FrameBuffer> buffers(size_t n)
{
	std::vector<FrameBuffer> out(n);
	for (size_t i = 0; i < n; ++i)
		out[i].width = static_cast<uint32_t>(100 + i);
	return out;
}

class FrameRefTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		slots.assign(buffers(3), [this](uint32_t index) { returned.push_back(index); });
	}
	void TearDown() override { slots.clear(); }

	BufferSlots slots;
	std::vector<uint32_t> returned;
};

} /* namespace */

TEST_F(FrameRefTest, LastHolderReturnsTheBuffer)
{
	FrameRef ref = slots.hold(1, {42, 1000});
	EXPECT_TRUE(slots.isHeld(1));
	EXPECT_EQ(ref.buffer().index, 1u);
	EXPECT_EQ(ref.buffer().width, 101u);
	EXPECT_EQ(ref.metadata().sequence, 42u);
	EXPECT_TRUE(returned.empty());
	ref.reset();
	EXPECT_FALSE(slots.isHeld(1));
	EXPECT_EQ(returned, std::vector<uint32_t>{1});
}

TEST_F(FrameRefTest, FanOutReturnsOnlyAfterEveryHolder)
{
	FrameRef a = slots.hold(0, {});
	FrameRef b = a; /* a second sink */
	FrameRef c;
	c = b; /* a third */
	a.reset();
	b.reset();
	EXPECT_TRUE(returned.empty()) << "returned while a holder remained";
	EXPECT_TRUE(slots.isHeld(0));
	c.reset();
	EXPECT_EQ(returned, std::vector<uint32_t>{0});
}

TEST_F(FrameRefTest, MoveDoesNotAddOrDropHolders)
{
	FrameRef a = slots.hold(2, {});
	FrameRef b(std::move(a));
	EXPECT_FALSE(a);
	EXPECT_TRUE(b);
	FrameRef c;
	c = std::move(b);
	EXPECT_TRUE(returned.empty());
	EXPECT_EQ(slots.heldCount(), 1u);
	c = FrameRef();
	EXPECT_EQ(returned, std::vector<uint32_t>{2});
}

TEST_F(FrameRefTest, AssigningAnotherFrameReleasesTheFirst)
{
	/* The display's "active = queued" step: the old frame goes back. */
	FrameRef active = slots.hold(0, {});
	FrameRef queued = slots.hold(1, {});
	active = queued;
	EXPECT_EQ(returned, std::vector<uint32_t>{0});
	queued.reset();
	EXPECT_TRUE(slots.isHeld(1));
	active = active; /* self-assignment keeps the hold */
	EXPECT_TRUE(slots.isHeld(1));
}

TEST_F(FrameRefTest, CopyAssignFromTheOnlyOtherHolderKeepsTheBuffer)
{
	FrameRef a = slots.hold(0, {});
	FrameRef b = slots.hold(1, {});
	b = a; /* b lets go of 1, takes 0 */
	a.reset();
	EXPECT_EQ(returned, std::vector<uint32_t>{1});
	EXPECT_TRUE(slots.isHeld(0));
	b.reset();
	EXPECT_EQ(returned, (std::vector<uint32_t>{1, 0}));
}

TEST_F(FrameRefTest, HeldCountTracksBuffers)
{
	FrameRef a = slots.hold(0, {});
	FrameRef b = slots.hold(2, {});
	FrameRef c = a;
	EXPECT_EQ(slots.heldCount(), 2u);
}

TEST_F(FrameRefTest, HoldIndexIsThePosition)
{
	/* Producers get back the position they hold, whatever index the
	 * FrameBuffer came with. */
	std::vector<FrameBuffer> bufs = buffers(2);
	bufs[0].index = 7;
	bufs[1].index = 9;
	slots.assign(std::move(bufs), [this](uint32_t index) { returned.push_back(index); });
	FrameRef ref = slots.hold(1, {});
	EXPECT_EQ(ref.buffer().index, 1u);
	ref.reset();
	EXPECT_EQ(returned, std::vector<uint32_t>{1});
}

TEST(BufferSlotsDeath, TeardownWithAHeldBufferAborts)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_DEATH(
		{
			auto slots = std::make_unique<BufferSlots>();
			slots->assign(buffers(1), nullptr);
			static FrameRef leaked;
			leaked = slots->hold(0, {});
			slots.reset();
		},
		"still held at teardown");
}
