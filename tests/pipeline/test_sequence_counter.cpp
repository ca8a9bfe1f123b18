/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "pipeline/sequence_counter.h"

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

TEST(SequenceCounter, ARestartContinuesWithoutAGapOrAWrap)
{
	SequenceCounter counter;
	EXPECT_EQ(counter.extend(500), 500u);
	EXPECT_EQ(counter.extend(501), 501u);
	/* STREAMOFF + STREAMON after a driver error: vb2 counts from 0. */
	counter.continueAfterRestart();
	EXPECT_EQ(counter.extend(0), 502u);
	EXPECT_EQ(counter.extend(1), 503u);
	EXPECT_EQ(counter.extend(3), 505u) << "a frame lost after the restart is a gap";
	/* A restart before any frame came changes nothing. */
	counter.continueAfterRestart();
	counter.continueAfterRestart();
	EXPECT_EQ(counter.extend(0), 506u);
}
