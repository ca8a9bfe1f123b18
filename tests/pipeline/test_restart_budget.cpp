/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "pipeline/restart_budget.h"

using namespace primecam;

namespace {
constexpr int64_t kSecond = 1'000'000'000;
}

TEST(RestartBudget, AdmitsTheLimitWithinTheWindowAndNoMore)
{
	RestartBudget budget({.limit = 3, .windowS = 60});
	EXPECT_TRUE(budget.admit(100 * kSecond));
	EXPECT_TRUE(budget.admit(110 * kSecond));
	EXPECT_TRUE(budget.admit(120 * kSecond));
	EXPECT_FALSE(budget.admit(130 * kSecond)) << "a fourth restart within 60 s";
	/* A refused restart is not counted: the window still starts at 100 s. */
	EXPECT_TRUE(budget.admit(160 * kSecond)) << "the restart at 100 s left the window";
	EXPECT_FALSE(budget.admit(161 * kSecond));
}

TEST(RestartBudget, RestartsSpreadOverTimeAreAlwaysAdmitted)
{
	/* A camera that hiccups once a minute runs for days. */
	RestartBudget budget({.limit = 2, .windowS = 60});
	for (int64_t i = 0; i < 1000; ++i)
		ASSERT_TRUE(budget.admit(i * 31 * kSecond)) << "restart " << i;
}

TEST(RestartBudget, LimitZeroNeverRestarts)
{
	RestartBudget budget({.limit = 0, .windowS = 60});
	EXPECT_FALSE(budget.admit(0));
	EXPECT_FALSE(budget.admit(3600 * kSecond));
}

TEST(RestartBudget, ResetForgetsEarlierRestarts)
{
	RestartBudget budget({.limit = 1, .windowS = 60});
	EXPECT_TRUE(budget.admit(kSecond));
	EXPECT_FALSE(budget.admit(2 * kSecond));
	budget.reset();
	EXPECT_TRUE(budget.admit(3 * kSecond));
}
