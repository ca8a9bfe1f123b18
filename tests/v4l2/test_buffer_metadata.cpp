/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "v4l2/buffer_metadata.h"

using namespace primecam;

TEST(SequenceCounter, CountsThroughA32BitWrap)
{
	SequenceCounter counter;
	EXPECT_EQ(counter.extend(0xfffffffe), 0xfffffffeull);
	EXPECT_EQ(counter.extend(0xffffffff), 0xffffffffull);
	EXPECT_EQ(counter.extend(0), 0x100000000ull);
	EXPECT_EQ(counter.extend(2), 0x100000002ull) << "a lost frame stays a gap of one";
}

TEST(SequenceCounter, ResetStartsOverForANewStream)
{
	SequenceCounter counter;
	EXPECT_EQ(counter.extend(100), 100u);
	counter.reset();
	/* STREAMON restarts the kernel's count at 0: not a wrap. */
	EXPECT_EQ(counter.extend(0), 0u);
	EXPECT_EQ(counter.extend(1), 1u);
}

TEST(SequenceCounter, RepeatedSequenceIsNotAWrap)
{
	SequenceCounter counter;
	EXPECT_EQ(counter.extend(7), 7u);
	/* Field pairs and some drivers repeat a number: equal is not lower. */
	EXPECT_EQ(counter.extend(7), 7u);
}

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
