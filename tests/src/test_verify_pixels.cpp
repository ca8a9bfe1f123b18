/* SPDX-License-Identifier: MIT */
#include <string>

#include <gtest/gtest.h>

#include "src/verify/pixel_check.h"

using namespace primecam;

namespace {

Image xrgb(uint32_t width, uint32_t height, uint32_t rgb)
{
	Image image{formatByName("XRGB8888"), width, height, width * 4, {}};
	image.data.resize(size_t{image.stride} * height);
	for (size_t i = 0; i < image.data.size(); i += 4) {
		image.data[i] = rgb & 0xff;
		image.data[i + 1] = (rgb >> 8) & 0xff;
		image.data[i + 2] = (rgb >> 16) & 0xff;
		image.data[i + 3] = 0;
	}
	return image;
}

void set(Image &image, uint32_t x, uint32_t y, uint32_t rgb)
{
	uint8_t *p = &image.data[size_t{y} * image.stride + size_t{x} * 4];
	p[0] = rgb & 0xff;
	p[1] = (rgb >> 8) & 0xff;
	p[2] = (rgb >> 16) & 0xff;
}

} /* namespace */

TEST(VerifyPixels, TheXByteIsMaskedAndTheToleranceIsPerChannel)
{
	Image screen = xrgb(64, 48, 0x102030);
	Image expected = xrgb(64, 48, 0x102030);
	expected.data[3] = 0xff; /* X differs: not a colour */
	EXPECT_EQ(comparePixels(screen, 0, 0, expected, 0).differing, 0u);
	set(screen, 5, 6, 0x122030); /* red off by 2 */
	EXPECT_EQ(comparePixels(screen, 0, 0, expected, 2).differing, 0u);
	PixelDifference diff = comparePixels(screen, 0, 0, expected, 1);
	EXPECT_EQ(diff.differing, 1u);
	EXPECT_EQ(diff.x, 5u);
	EXPECT_EQ(diff.y, 6u);
	EXPECT_EQ(diff.shown, 0x122030u);
	EXPECT_EQ(diff.expected, 0x102030u);
}

TEST(VerifyPixels, TheRegionBoundsEveryDifferenceAndTheTextNamesIt)
{
	Image screen = xrgb(100, 80, 0);
	Image expected = xrgb(40, 30, 0);
	/* Placed at (10, 20) on the screen: differences in frame coordinates. */
	set(screen, 10 + 3, 20 + 4, 0xff0000);
	set(screen, 10 + 30, 20 + 25, 0x00ff00);
	PixelDifference diff = comparePixels(screen, 10, 20, expected, 0);
	EXPECT_EQ(diff.differing, 2u);
	EXPECT_EQ(diff.left, 3u);
	EXPECT_EQ(diff.top, 4u);
	EXPECT_EQ(diff.right, 30u);
	EXPECT_EQ(diff.bottom, 25u);
	EXPECT_EQ(diff.describe(0), "2 pixels beyond 0 levels, first at (3,4): shown 255/0/0, "
				    "captured 0/0/0; all within (3,4)-(30,25)");
}

TEST(VerifyPixels, AFrameThatDoesNotFitTheScreenDiffersWhereItIsOff)
{
	Image screen = xrgb(50, 50, 0);
	Image expected = xrgb(40, 40, 0);
	/* 20 columns and 20 rows off the screen at (30, 30). */
	PixelDifference diff = comparePixels(screen, 30, 30, expected, 0);
	EXPECT_EQ(diff.differing, 40u * 40u - 20u * 20u);
	EXPECT_EQ(diff.right, 39u);
	EXPECT_EQ(diff.bottom, 39u);
}
