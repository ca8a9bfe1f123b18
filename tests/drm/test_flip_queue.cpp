/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <vector>

#include <gtest/gtest.h>

#include "drm/flip_queue.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/stats.h"

using namespace primecam;

namespace {

class FlipQueueTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		slots.assign(std::vector<FrameBuffer>(5),
			     [this](uint32_t index) { released.push_back(index); });
		queue.setStats(&stats);
	}
	void TearDown() override
	{
		queue.clear();
		slots.clear();
	}

	/* Buffer index i carries frame sequence i, captured at i ms. */
	FrameRef frame(uint32_t index)
	{
		return slots.hold(index, {index, int64_t{index} * 1000000});
	}

	uint64_t dropped(DropReason reason) const
	{
		return stats.dropped[static_cast<size_t>(reason)];
	}

	BufferSlots slots;
	std::vector<uint32_t> released;
	std::vector<uint32_t> committed;
	int commitResult = 0;
	SinkStats stats;
	FlipQueue queue{[this](const FrameRef &f) {
		committed.push_back(f.buffer().index);
		return commitResult;
	}};
};

} /* namespace */

TEST_F(FlipQueueTest, CommitsAtOnceWhenIdle)
{
	EXPECT_EQ(queue.push(frame(0)), 0);
	EXPECT_EQ(committed, std::vector<uint32_t>{0});
	EXPECT_TRUE(queue.inFlight());
	EXPECT_EQ(queue.queued().buffer().index, 0u);
	EXPECT_FALSE(queue.active());
	EXPECT_TRUE(released.empty()) << "a frame being flipped to was released";
	EXPECT_EQ(stats.received, 1u);
}

TEST_F(FlipQueueTest, FrameWaitsWhileAFlipIsInFlight)
{
	queue.push(frame(0));
	queue.push(frame(1));
	EXPECT_EQ(committed, std::vector<uint32_t>{0}) << "committed while a flip was in flight";
	EXPECT_EQ(queue.pending().buffer().index, 1u);
	EXPECT_TRUE(released.empty());
	EXPECT_EQ(stats.droppedTotal(), 0u);
}

TEST_F(FlipQueueTest, NewerFrameReplacesThePendingOneAndCountsTheDrop)
{
	queue.push(frame(0));
	queue.push(frame(1));
	queue.push(frame(2));
	EXPECT_EQ(released, std::vector<uint32_t>{1}) << "the replaced pending frame goes back";
	EXPECT_EQ(queue.pending().buffer().index, 2u);
	EXPECT_EQ(dropped(DropReason::DisplayBehind), 1u);
	queue.push(frame(3));
	EXPECT_EQ(released, (std::vector<uint32_t>{1, 2}));
	EXPECT_EQ(dropped(DropReason::DisplayBehind), 2u);
	EXPECT_EQ(stats.received, 4u);
	EXPECT_EQ(committed, std::vector<uint32_t>{0});
}

TEST_F(FlipQueueTest, FlipMakesQueuedActiveAndCommitsThePendingFrame)
{
	queue.push(frame(0));
	queue.push(frame(1));
	EXPECT_EQ(queue.flipped(5000000), 0);
	EXPECT_EQ(queue.active().buffer().index, 0u);
	EXPECT_EQ(committed, (std::vector<uint32_t>{0, 1}));
	EXPECT_EQ(queue.queued().buffer().index, 1u);
	EXPECT_FALSE(queue.pending());
	EXPECT_TRUE(released.empty()) << "the first frame on screen has nothing to replace";
	EXPECT_EQ(stats.displayed, 1u);
}

TEST_F(FlipQueueTest, BufferIsReleasedOnlyAfterTheFlipThatReplacedIt)
{
	queue.push(frame(0));
	queue.flipped(1);     /* 0 on screen */
	queue.push(frame(1)); /* committed, 0 still on screen */
	EXPECT_TRUE(released.empty()) << "released while still on screen";
	queue.push(frame(2)); /* waits */
	EXPECT_TRUE(released.empty());
	queue.flipped(2); /* 1 on screen: 0 goes back; 2 committed */
	EXPECT_EQ(released, std::vector<uint32_t>{0});
	EXPECT_EQ(committed, (std::vector<uint32_t>{0, 1, 2}));
	queue.flipped(3); /* 2 on screen: 1 goes back */
	EXPECT_EQ(released, (std::vector<uint32_t>{0, 1}));
	EXPECT_EQ(queue.active().buffer().index, 2u);
	EXPECT_FALSE(queue.inFlight());
	EXPECT_EQ(stats.displayed, 3u);
}

TEST_F(FlipQueueTest, LatencyIsFlipTimeMinusCaptureTime)
{
	queue.push(frame(3)); /* captured at 3 ms */
	queue.flipped(20000000);
	EXPECT_EQ(stats.latency.count(), 1u);
	EXPECT_EQ(stats.latency.max(), 17000000);
}

TEST_F(FlipQueueTest, FailedCommitReleasesTheFrameAndCountsIt)
{
	commitResult = -EINVAL;
	EXPECT_EQ(queue.push(frame(0)), -EINVAL);
	EXPECT_EQ(released, std::vector<uint32_t>{0});
	EXPECT_FALSE(queue.inFlight());
	EXPECT_EQ(dropped(DropReason::SinkError), 1u);
	EXPECT_EQ(stats.displayed, 0u);

	/* The next frame is committed at once: nothing is in flight. */
	commitResult = 0;
	EXPECT_EQ(queue.push(frame(1)), 0);
	EXPECT_EQ(committed, (std::vector<uint32_t>{0, 1}));
	EXPECT_TRUE(queue.inFlight());
}

TEST_F(FlipQueueTest, FailedCommitOfThePendingFrameAfterAFlip)
{
	queue.push(frame(0));
	queue.push(frame(1));
	commitResult = -ENOSPC;
	EXPECT_EQ(queue.flipped(1), -ENOSPC);
	EXPECT_EQ(queue.active().buffer().index, 0u) << "the flipped frame stays on screen";
	EXPECT_EQ(released, std::vector<uint32_t>{1});
	EXPECT_FALSE(queue.inFlight());
	EXPECT_EQ(dropped(DropReason::SinkError), 1u);
	EXPECT_EQ(stats.displayed, 1u);
}

TEST_F(FlipQueueTest, FlipWithNothingInFlightIsIgnored)
{
	EXPECT_EQ(queue.flipped(1), 0);
	EXPECT_EQ(stats.displayed, 0u);
	queue.push(frame(0));
	queue.flipped(2);
	EXPECT_EQ(queue.flipped(3), 0);
	EXPECT_EQ(stats.displayed, 1u);
	EXPECT_EQ(queue.active().buffer().index, 0u);
	EXPECT_TRUE(released.empty());
}

TEST_F(FlipQueueTest, ClearReleasesPendingQueuedThenActive)
{
	queue.push(frame(0));
	queue.flipped(1);
	queue.push(frame(1));
	queue.push(frame(2));
	queue.clear();
	EXPECT_EQ(released, (std::vector<uint32_t>{2, 1, 0}));
	EXPECT_FALSE(queue.inFlight());
	EXPECT_FALSE(queue.active());
	EXPECT_EQ(slots.heldCount(), 0u);
}

TEST_F(FlipQueueTest, DropPendingKeepsTheFlipInFlight)
{
	queue.push(frame(0));
	queue.push(frame(1));
	queue.dropPending();
	EXPECT_EQ(released, std::vector<uint32_t>{1});
	EXPECT_EQ(dropped(DropReason::Stopped), 1u) << "received, never shown: counted";
	EXPECT_EQ(stats.received, 2u);
	EXPECT_TRUE(queue.inFlight());
	queue.flipped(1);
	EXPECT_EQ(committed, std::vector<uint32_t>{0}) << "a dropped frame was committed";
	EXPECT_EQ(queue.active().buffer().index, 0u);
}

TEST_F(FlipQueueTest, WorksWithoutStats)
{
	queue.setStats(nullptr);
	queue.push(frame(0));
	queue.push(frame(1));
	queue.push(frame(2));
	queue.flipped(1);
	EXPECT_EQ(released, std::vector<uint32_t>{1});
	EXPECT_EQ(stats.received, 0u);
}

/* EBUSY: the CRTC still has a commit pending (another client's, or one the
 * kernel has not finished). The frame waits for retry() at the next vblank,
 * is neither dropped nor released, and newer frames replace it. */
TEST_F(FlipQueueTest, BusyCommitWaitsForRetryAndNewerFramesReplaceIt)
{
	commitResult = -EBUSY;
	EXPECT_EQ(queue.push(frame(0)), -EBUSY);
	EXPECT_TRUE(queue.retryDue());
	EXPECT_FALSE(queue.inFlight());
	EXPECT_EQ(queue.pending().buffer().index, 0u);
	EXPECT_EQ(stats.busyRetries, 1u);
	EXPECT_EQ(dropped(DropReason::SinkError), 0u);
	EXPECT_TRUE(released.empty());

	/* No commit until the retry: the newer frame replaces the waiting one. */
	EXPECT_EQ(queue.push(frame(1)), 0);
	EXPECT_EQ(committed, std::vector<uint32_t>{0});
	EXPECT_EQ(queue.pending().buffer().index, 1u);
	EXPECT_EQ(released, std::vector<uint32_t>{0});
	EXPECT_EQ(dropped(DropReason::DisplayBehind), 1u);

	/* Still busy at the vblank: waits again. */
	EXPECT_EQ(queue.retry(), -EBUSY);
	EXPECT_TRUE(queue.retryDue());
	EXPECT_EQ(stats.busyRetries, 2u);

	commitResult = 0;
	EXPECT_EQ(queue.retry(), 0);
	EXPECT_FALSE(queue.retryDue());
	EXPECT_TRUE(queue.inFlight());
	EXPECT_EQ(queue.queued().buffer().index, 1u);
	EXPECT_EQ(committed, (std::vector<uint32_t>{0, 1, 1}));
	/* Nothing due: a stale vblank event does nothing. */
	EXPECT_EQ(queue.retry(), 0);
	EXPECT_EQ(committed.size(), 3u);
}

TEST_F(FlipQueueTest, BusyCommitOfThePendingFrameAfterAFlipIsRetried)
{
	EXPECT_EQ(queue.push(frame(0)), 0);
	EXPECT_EQ(queue.push(frame(1)), 0); /* waits for frame 0's flip */
	commitResult = -EBUSY;
	EXPECT_EQ(queue.flipped(5'000'000), -EBUSY);
	EXPECT_EQ(queue.active().buffer().index, 0u);
	EXPECT_FALSE(queue.inFlight());
	EXPECT_TRUE(queue.retryDue());
	EXPECT_EQ(queue.pending().buffer().index, 1u);
	commitResult = 0;
	EXPECT_EQ(queue.retry(), 0);
	EXPECT_EQ(queue.queued().buffer().index, 1u);
	/* Frame 0 stays on screen until frame 1's flip. */
	EXPECT_TRUE(released.empty());
	EXPECT_EQ(queue.flipped(6'000'000), 0);
	EXPECT_EQ(released, std::vector<uint32_t>{0});
}

TEST_F(FlipQueueTest, DropPendingCancelsADueRetry)
{
	commitResult = -EBUSY;
	EXPECT_EQ(queue.push(frame(0)), -EBUSY);
	queue.dropPending();
	EXPECT_FALSE(queue.retryDue());
	EXPECT_EQ(released, std::vector<uint32_t>{0});
	EXPECT_EQ(dropped(DropReason::Stopped), 1u);
	EXPECT_EQ(queue.retry(), 0);
	EXPECT_EQ(committed.size(), 1u);
}
