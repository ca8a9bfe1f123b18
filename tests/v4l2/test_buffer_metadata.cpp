/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "v4l2/buffer_metadata.h"

using namespace primecam;

TEST(MonotonicTimestamp, ConvertsMonotonicTimevals)
{
	timeval tv = {12, 345678};
	auto ns = monotonicTimestampNs(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC, tv);
	ASSERT_TRUE(ns.has_value());
	EXPECT_EQ(*ns, 12345678000);

	/* Other flags in the word do not matter, the timestamp type does. */
	ns = monotonicTimestampNs(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_KEYFRAME |
					  V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
				  tv);
	ASSERT_TRUE(ns.has_value());
	EXPECT_EQ(*ns, 12345678000);
}

TEST(MonotonicTimestamp, RefusesOtherClocks)
{
	timeval tv = {1, 0};
	EXPECT_FALSE(monotonicTimestampNs(V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN, tv).has_value());
	EXPECT_FALSE(monotonicTimestampNs(V4L2_BUF_FLAG_TIMESTAMP_COPY, tv).has_value());
}
