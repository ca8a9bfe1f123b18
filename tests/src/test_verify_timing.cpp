/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "src/verify/timing_checks.h"

using namespace primecam;

namespace {

/* 25 fps, 60 Hz, end-of-frame capture times. */
TimingFigures figures(double p99Ms)
{
	TimingFigures f;
	f.latencyP99Ns = static_cast<int64_t>(p99Ms * 1e6);
	f.latencySamples = 10;
	f.periodNs = 40'000'000;
	f.vblankNs = 16'666'667;
	return f;
}

} /* namespace */

TEST(VerifyTiming, LatencyIsBoundByOnePeriodAndOneVblank)
{
	EXPECT_EQ(latencyBoundNs(figures(0)), 56'666'667);
	EXPECT_FALSE(latencyFailure(figures(56.6)));
	std::optional<std::string> failure = latencyFailure(figures(56.7));
	ASSERT_TRUE(failure);
	EXPECT_EQ(*failure, "latency: p99 56.7 ms, beyond one frame period and one vblank "
			    "(40.0 + 16.7 ms)");
}

TEST(VerifyTiming, AStartOfExposureStampAddsTheExposuresPeriod)
{
	TimingFigures f = figures(90);
	f.startOfExposure = true;
	EXPECT_EQ(latencyBoundNs(f), 96'666'667);
	EXPECT_FALSE(latencyFailure(f));
	f.latencyP99Ns = 97'000'000;
	std::optional<std::string> failure = latencyFailure(f);
	ASSERT_TRUE(failure);
	EXPECT_NE(failure->find("after the exposure's 40.0 ms"), std::string::npos) << *failure;
}

TEST(VerifyTiming, NoSampleOrNoPeriodIsAFailureNotAPass)
{
	TimingFigures none = figures(10);
	none.latencySamples = 0;
	EXPECT_EQ(latencyFailure(none), "latency: no frame with a trusted capture time was shown");
	TimingFigures noPeriod = figures(10);
	noPeriod.periodNs = 0;
	EXPECT_TRUE(latencyFailure(noPeriod));
}

TEST(VerifyTiming, GapsBeyondTheDriversOwnDropsFail)
{
	TimingFigures f = figures(10);
	f.sequenceGaps = 2;
	f.driverDrops = 2;
	EXPECT_FALSE(gapsFailure(f));
	f.driverDrops = 1;
	EXPECT_EQ(gapsFailure(f), "gaps: the sequence numbers skipped 2 frames; the driver "
				  "flagged 1");
}
