/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "pipeline/stats.h"
#include "pipeline/timestamp_check.h"

namespace primecam {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000 * kMs;

TEST(TimestampCheck, FramesOfASteadyStreamAreTrusted)
{
	TimestampCheck check;
	int64_t now = 100 * kS;
	for (int i = 0; i < 10; ++i, now += 40 * kMs)
		EXPECT_EQ(check.judge(now - 15 * kMs, now), TimestampTrust::Trusted) << i;
}

TEST(TimestampCheck, ARepeatedTimestampIsNotAJump)
{
	/* vivid repeats a sequence number, and its timestamp with it. */
	TimestampCheck check;
	EXPECT_EQ(check.judge(10 * kS, 10 * kS + kMs), TimestampTrust::Trusted);
	EXPECT_EQ(check.judge(10 * kS, 10 * kS + 2 * kMs), TimestampTrust::Trusted);
}

TEST(TimestampCheck, VividsWrapTimestampIsInTheFuture)
{
	/* "Wrap Timestamp": 16 s before tv_sec's 32-bit wrap, at an uptime of
	 * seconds; as latency that was -9223371967134 ms. */
	TimestampCheck check;
	int64_t wrapped = ((int64_t{1} << 32) - 16) * kS;
	EXPECT_EQ(check.judge(wrapped, 30 * kS), TimestampTrust::InFuture);
	EXPECT_EQ(check.judge(INT64_MAX, 30 * kS), TimestampTrust::InFuture);
	/* Within the slack of two clock reads: trusted. */
	EXPECT_EQ(check.judge(30 * kS + 5 * kMs, 30 * kS), TimestampTrust::Trusted);
}

TEST(TimestampCheck, AnAbsurdlyOldTimestampIsLeftOut)
{
	TimestampCheck check;
	EXPECT_EQ(check.judge(0, 3600 * kS), TimestampTrust::TooOld);
	EXPECT_EQ(check.judge(INT64_MIN, 3600 * kS), TimestampTrust::TooOld);
	EXPECT_EQ(check.judge(3600 * kS - 9 * kS, 3600 * kS), TimestampTrust::Trusted);
}

TEST(TimestampCheck, ABackwardsOrLeapingClockCostsOneFrame)
{
	TimestampCheck check;
	EXPECT_EQ(check.judge(50 * kS, 50 * kS), TimestampTrust::Trusted);
	EXPECT_EQ(check.judge(49 * kS, 50 * kS), TimestampTrust::Jumped) << "backwards";
	/* The new clock is followed from there on. */
	EXPECT_EQ(check.judge(49 * kS + 40 * kMs, 50 * kS), TimestampTrust::Trusted);

	TimestampCheck leap;
	EXPECT_EQ(leap.judge(1 * kS, 1 * kS), TimestampTrust::Trusted);
	EXPECT_EQ(leap.judge(12 * kS, 12 * kS), TimestampTrust::Jumped) << "11 s forward";
	leap.reset();
	EXPECT_EQ(leap.judge(30 * kS, 30 * kS), TimestampTrust::Trusted) << "after a restart";
}

TEST(SinkStats, LatencyLeavesOutUntrustedAndNegativeFigures)
{
	SinkStats sink;
	FrameMetadata frame;
	frame.timestampNs = 10 * kS;
	sink.addLatency(frame, 10 * kS + 20 * kMs);
	EXPECT_EQ(sink.latency.count(), 1u);
	EXPECT_EQ(sink.latency.max(), 20 * kMs);

	sink.addLatency(frame, 10 * kS - kMs); /* shown before it was captured */
	frame.timestampTrust = TimestampTrust::InFuture;
	sink.addLatency(frame, 10 * kS + 20 * kMs);
	EXPECT_EQ(sink.latency.count(), 1u);
}

} /* namespace */
} /* namespace primecam */
