/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "pipeline/stats.h"

using namespace primecam;

TEST(LatencyRecorder, EmptyIsZero)
{
	LatencyRecorder rec(8);
	EXPECT_EQ(rec.count(), 0u);
	EXPECT_EQ(rec.percentile(50), 0);
	EXPECT_EQ(rec.max(), 0);
}

TEST(LatencyRecorder, NearestRankPercentiles)
{
	LatencyRecorder rec(128);
	for (int i = 100; i >= 1; --i)
		rec.add(i * 1000);
	EXPECT_EQ(rec.count(), 100u);
	EXPECT_EQ(rec.percentile(50), 50000);
	EXPECT_EQ(rec.percentile(95), 95000);
	EXPECT_EQ(rec.percentile(99), 99000);
	EXPECT_EQ(rec.percentile(100), 100000);
	EXPECT_EQ(rec.percentile(0), 1000);
	EXPECT_EQ(rec.max(), 100000);
}

TEST(LatencyRecorder, KeepsTheNewestSamplesPastCapacityAndTheMaxOfAll)
{
	LatencyRecorder rec(4);
	rec.add(1000000); /* an early outlier */
	for (int i = 0; i < 10; ++i)
		rec.add(10);
	EXPECT_EQ(rec.count(), 11u);
	EXPECT_EQ(rec.percentile(100), 10) << "old samples must be overwritten";
	EXPECT_EQ(rec.max(), 1000000) << "the max covers the whole run";
}

TEST(LatencyRecorder, NegativeMaxIsKept)
{
	/* Clock mismatches show up as negative latencies: keep them visible. */
	LatencyRecorder rec(4);
	rec.add(-5);
	rec.add(-7);
	EXPECT_EQ(rec.max(), -5);
}

TEST(SinkStats, DropsAreCountedByReason)
{
	SinkStats s;
	s.drop(DropReason::DisplayBehind);
	s.drop(DropReason::DisplayBehind);
	s.drop(DropReason::SinkError);
	EXPECT_EQ(s.dropped[static_cast<size_t>(DropReason::DisplayBehind)], 2u);
	EXPECT_EQ(s.droppedTotal(), 3u);
	EXPECT_STREQ(dropReasonName(DropReason::DisplayBehind), "display_behind");
}

TEST(PipelineStats, CopiesAddUpOverSinksAndSinkReferencesStayValid)
{
	PipelineStats stats;
	SinkStats &a = stats.addSink("a");
	for (int i = 0; i < 100; ++i)
		stats.addSink("x" + std::to_string(i));
	a.copies = 3; /* a must still be valid after the deque grew */
	stats.sinks.back().copies = 2;
	EXPECT_EQ(stats.copies(), 5u);
	EXPECT_EQ(stats.sinks.front().name, "a");
	/* A copying source's copies count too; its drops are not copies. */
	stats.sourceCopies = 7;
	stats.sourceDropped = 4;
	EXPECT_EQ(stats.copies(), 12u);
}
