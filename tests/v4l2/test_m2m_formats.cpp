/* SPDX-License-Identifier: MIT */
#include <string>

#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "v4l2/m2m_formats.h"

using namespace primecam;

namespace {

/* vim2m's CAPTURE queue on Linux 6.1, as ENUM_FMT and ENUM_FRAMESIZES give
 * it (a subset): every format 32x32 to 640x480. */
M2mQueueOffer vim2mCapture()
{
	M2mQueueOffer offer;
	offer.queue = "CAPTURE";
	FrameSizes range;
	range.kind = FrameSizes::Kind::Stepwise;
	range.min = {32, 32};
	range.max = {640, 480};
	range.stepWidth = 2;
	range.stepHeight = 1;
	for (uint32_t fourcc : {V4L2_PIX_FMT_RGB565, V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_YUYV}) {
		offer.formats.push_back({fourcc, 0, ""});
		offer.sizes.push_back(range);
	}
	return offer;
}

bool has(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

} /* namespace */

TEST(M2mQueueOffer, AFormatAndSizeItOffersIsTaken)
{
	EXPECT_FALSE(vim2mCapture()
			     .refusal("/dev/video2 (vim2m)", V4L2_PIX_FMT_RGB565, 640, 360, "x")
			     .has_value());
	EXPECT_FALSE(vim2mCapture()
			     .refusal("/dev/video2 (vim2m)", V4L2_PIX_FMT_YUYV, 32, 32, "x")
			     .has_value());
}

TEST(M2mQueueOffer, AFormatItLacksIsRefusedNamingDeviceOfferAndAsk)
{
	auto why = vim2mCapture().refusal("/dev/video2 (vim2m)", V4L2_PIX_FMT_NV12, 640, 480,
					  "asked by the config");
	ASSERT_TRUE(why.has_value());
	EXPECT_TRUE(has(*why, "/dev/video2 (vim2m)")) << *why;
	EXPECT_TRUE(has(*why, "CAPTURE queue does not offer NV12")) << *why;
	EXPECT_TRUE(has(*why, "(asked by the config)")) << *why;
	EXPECT_TRUE(has(*why, "RGBP (RGB565)")) << *why;
	EXPECT_TRUE(has(*why, "YUYV (YUYV)")) << *why;
}

TEST(M2mQueueOffer, ASizeOutsideTheRangeIsRefusedWithTheRange)
{
	auto why = vim2mCapture().refusal("/dev/video2 (vim2m)", V4L2_PIX_FMT_RGB565, 1280, 720,
					  "asked by the config");
	ASSERT_TRUE(why.has_value());
	EXPECT_TRUE(has(*why, "does not take RGBP (RGB565) at 1280x720")) << *why;
	EXPECT_TRUE(has(*why, "32x32 - 640x480 in steps of 2x1")) << *why;
	/* Off the width step: vim2m aligns widths to 2. */
	EXPECT_TRUE(vim2mCapture()
			    .refusal("/dev/video2 (vim2m)", V4L2_PIX_FMT_RGB565, 641, 480, "x")
			    .has_value());
}

TEST(M2mQueueOffer, SizesNotEnumeratedLeaveTheDecisionToSFmt)
{
	M2mQueueOffer offer;
	offer.queue = "OUTPUT";
	offer.formats.push_back({V4L2_PIX_FMT_RGB24, 0, ""});
	offer.sizes.push_back(FrameSizes{});
	EXPECT_FALSE(offer.refusal("/dev/video9", V4L2_PIX_FMT_RGB24, 4096, 4096, "x").has_value());
}

TEST(M2mQueueOffer, DescribeListsEachFormatWithItsSizes)
{
	std::string text = vim2mCapture().describe();
	EXPECT_TRUE(has(text, "RGBP 32x32 - 640x480 in steps of 2x1")) << text;
	EXPECT_TRUE(has(text, "YUYV 32x32 - 640x480")) << text;
	EXPECT_EQ(M2mQueueOffer{}.describe(), "(no formats)");
}
