/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "v4l2/format_enum.h"

using namespace primecam;

namespace {

FrameSizes vividWebcamSizes()
{
	FrameSizes sizes;
	sizes.kind = FrameSizes::Kind::Discrete;
	sizes.discrete = {{320, 180}, {640, 360}, {640, 480}, {1280, 720}};
	return sizes;
}

/* vim2m's answer: 32x32 - 640x480 in steps of 2x1. */
FrameSizes stepwiseSizes()
{
	FrameSizes sizes;
	sizes.kind = FrameSizes::Kind::Stepwise;
	sizes.min = {32, 32};
	sizes.max = {640, 480};
	sizes.stepWidth = 2;
	sizes.stepHeight = 1;
	return sizes;
}

} /* namespace */

TEST(FrameSizes, DiscreteContainsOnlyListedSizes)
{
	FrameSizes sizes = vividWebcamSizes();
	EXPECT_TRUE(sizes.contains(640, 480));
	EXPECT_TRUE(sizes.contains(320, 180));
	EXPECT_FALSE(sizes.contains(480, 640));
	EXPECT_FALSE(sizes.contains(800, 600));
	EXPECT_EQ(sizes.describe(), "320x180 640x360 640x480 1280x720");
	EXPECT_EQ(sizes.first().width, 320u);
	EXPECT_EQ(sizes.first().height, 180u);
}

TEST(FrameSizes, StepwiseHonoursBoundsAndSteps)
{
	FrameSizes sizes = stepwiseSizes();
	EXPECT_TRUE(sizes.contains(32, 32));
	EXPECT_TRUE(sizes.contains(640, 480));
	EXPECT_TRUE(sizes.contains(34, 33));
	EXPECT_FALSE(sizes.contains(33, 32)) << "odd width is off the 2-pixel step";
	EXPECT_FALSE(sizes.contains(30, 32)) << "below the minimum";
	EXPECT_FALSE(sizes.contains(642, 480)) << "above the maximum";
	EXPECT_FALSE(sizes.contains(640, 481));
	EXPECT_EQ(sizes.describe(), "32x32 - 640x480 in steps of 2x1");
	EXPECT_EQ(sizes.first().width, 32u);
}

TEST(FrameSizes, ContinuousTakesAnySizeInRange)
{
	FrameSizes sizes;
	sizes.kind = FrameSizes::Kind::Continuous;
	sizes.min = {1, 1};
	sizes.max = {4096, 2160};
	EXPECT_TRUE(sizes.contains(1, 1));
	EXPECT_TRUE(sizes.contains(1001, 777));
	EXPECT_FALSE(sizes.contains(4097, 100));
	EXPECT_FALSE(sizes.contains(0, 100));
	EXPECT_EQ(sizes.describe(), "1x1 - 4096x2160 (any size)");
}

TEST(FrameSizes, UnknownLeavesTheCheckToSFmt)
{
	FrameSizes sizes;
	EXPECT_TRUE(sizes.contains(123, 45));
	EXPECT_EQ(sizes.describe(), "(sizes not enumerated by the driver)");
	FrameSizes empty;
	empty.kind = FrameSizes::Kind::Discrete;
	EXPECT_FALSE(empty.contains(640, 480));
	EXPECT_EQ(empty.describe(), "(no sizes)");
}

TEST(Fraction, IntervalsAndRates)
{
	EXPECT_DOUBLE_EQ((Fraction{1, 25}).fps(), 25.0);
	EXPECT_DOUBLE_EQ((Fraction{2, 25}).fps(), 12.5);
	EXPECT_EQ((Fraction{0, 0}).fps(), 0.0);
	EXPECT_EQ((Fraction{1, 25}).describeInterval(), "1/25 (25 fps)");
	EXPECT_EQ((Fraction{2, 25}).describeInterval(), "2/25 (12.5 fps)");
}

TEST(Fraction, IntervalForFpsIsExactAndReduced)
{
	Fraction f = intervalForFps(25);
	EXPECT_EQ(f.numerator, 1u);
	EXPECT_EQ(f.denominator, 25u);
	f = intervalForFps(29.97);
	EXPECT_EQ(f.numerator, 100u);
	EXPECT_EQ(f.denominator, 2997u);
	f = intervalForFps(0.5);
	EXPECT_EQ(f.numerator, 2u);
	EXPECT_EQ(f.denominator, 1u);
	f = intervalForFps(0);
	EXPECT_EQ(f.denominator, 0u);
	f = intervalForFps(-5);
	EXPECT_EQ(f.denominator, 0u);
	f = intervalForFps(1e12);
	EXPECT_EQ(f.denominator, 0u) << "does not fit a 32-bit denominator";
}

TEST(FrameIntervals, DescribesEachKind)
{
	FrameIntervals discrete;
	discrete.kind = FrameIntervals::Kind::Discrete;
	discrete.discrete = {{1, 30}, {1, 25}};
	EXPECT_EQ(discrete.describe(), "1/30 (30 fps), 1/25 (25 fps)");

	FrameIntervals stepwise;
	stepwise.kind = FrameIntervals::Kind::Stepwise;
	stepwise.min = {1, 60};
	stepwise.max = {1, 1};
	stepwise.step = {1, 60};
	EXPECT_EQ(stepwise.describe(), "1/60 (60 fps) - 1/1 (1 fps) in steps of 1/60");

	FrameIntervals continuous = stepwise;
	continuous.kind = FrameIntervals::Kind::Continuous;
	EXPECT_EQ(continuous.describe(), "1/60 (60 fps) - 1/1 (1 fps) (any interval)");
	EXPECT_EQ(FrameIntervals{}.describe(), "(intervals not enumerated by the driver)");
}

TEST(DescribeFormats, UsesPrimecamNamesAndFlagsUnknownFourccs)
{
	std::vector<FormatDescription> formats = {
		{V4L2_PIX_FMT_XBGR32, 0, "32-bit BGRX 8-8-8-8"},
		{V4L2_PIX_FMT_NV12M, 0, "Y/UV 4:2:0 (N-C)"},
		{V4L2_PIX_FMT_Y10, 0, "10-bit Greyscale"},
	};
	EXPECT_EQ(describeFormats(formats),
		  "XR24 (XRGB8888), NM12 (NV12), Y10  (not handled by primecam)");
	EXPECT_EQ(describeFormats({}), "(no formats)");
}

TEST(Fraction, RateAdjustmentNamesWhatTheDriverGave)
{
	using primecam::rateAdjustment;
	/* vivid's fastest interval at 1920x1080 is 1/5, at 1280x720 2/25. */
	EXPECT_EQ(rateAdjustment("vivid", {1, 5}, 25, 1920, 1080),
		  "vivid gives 5 fps at 1920x1080; the config asks 25");
	EXPECT_EQ(rateAdjustment("vivid", {2, 25}, 25, 1280, 720),
		  "vivid gives 12.5 fps at 1280x720; the config asks 25");
	/* 1/25 granted for 25; NTSC's 1001/30000 for "29.97" (100/2997 as
	 * asked, 1 ppm apart): nothing to say. */
	EXPECT_EQ(rateAdjustment("vivid", {1, 25}, 25, 640, 480), "");
	EXPECT_EQ(rateAdjustment("uvcvideo", {1001, 30000}, 29.97, 640, 480), "");
	/* No rate asked, or none granted: nothing to compare. */
	EXPECT_EQ(rateAdjustment("vivid", {1, 5}, 0, 1920, 1080), "");
	EXPECT_EQ(rateAdjustment("vivid", {0, 0}, 25, 1920, 1080), "");
}

TEST(FrameIntervals, NearestToTheAskedRateIsWhatTheDoctorPredicts)
{
	/* vivid at 1920x1080: its four slowest rates only. */
	FrameIntervals vivid;
	vivid.kind = FrameIntervals::Kind::Discrete;
	vivid.discrete = {{1, 1}, {1, 2}, {1, 4}, {1, 5}};
	ASSERT_TRUE(vivid.nearestTo(25));
	EXPECT_EQ(vivid.nearestTo(25)->denominator, 5u);
	EXPECT_EQ(vivid.nearestTo(2.2)->denominator, 2u);
	EXPECT_FALSE(vivid.nearestTo(0));
	EXPECT_FALSE(FrameIntervals{}.nearestTo(25)) << "not enumerated: not guessed";

	FrameIntervals range;
	range.kind = FrameIntervals::Kind::Continuous;
	range.min = {1, 30};
	range.max = {1, 1};
	EXPECT_EQ(range.nearestTo(60)->denominator, 30u) << "clamped to the fastest";
	EXPECT_EQ(range.nearestTo(0.5)->denominator, 1u) << "clamped to the slowest";
	EXPECT_FALSE(rateDiffers(*range.nearestTo(25), 25)) << "inside the range: granted";
}
