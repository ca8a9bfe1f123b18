/* SPDX-License-Identifier: MIT */
#include <ctime>

#include <gtest/gtest.h>

#include "base/process_start.h"

namespace primecam {
namespace {

/* A real line of a process named "a) b" (comm may hold ") "). */
constexpr std::string_view kStat =
	"4242 (a) b) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 987654 "
	"5361664 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

TEST(ProcessStart, ReadsTheTwentySecondFieldAfterTheCommand)
{
	EXPECT_EQ(procStatStartTicks(kStat), 987654u);
}

TEST(ProcessStart, RefusesMalformedLines)
{
	EXPECT_FALSE(procStatStartTicks(""));
	EXPECT_FALSE(procStatStartTicks("4242 noparens S 1 2 3"));
	EXPECT_FALSE(procStatStartTicks("4242 (short) S 1 2 3"));
	EXPECT_FALSE(procStatStartTicks("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12z4 5 6"));
}

TEST(ProcessStart, IsBeforeNowAndWithinThisTestRun)
{
	Result<int64_t> start = processStartMonotonicNs();
	ASSERT_TRUE(start) << start.error().message;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
	EXPECT_LE(*start, now);
	/* The unit-test binary runs for minutes at most (meson's timeout);
	 * an hour catches a unit or clock mix-up (ticks as ns, boottime as
	 * monotonic after a suspend). */
	EXPECT_GT(*start, now - int64_t{3600} * 1000000000);
}

} /* namespace */
} /* namespace primecam */
