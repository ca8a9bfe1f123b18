/* SPDX-License-Identifier: MIT */
/* Layouts: a sink's place computed from its cell of a mosaic or pip. */
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "drm/placement.h"

using namespace primecam;

namespace {

KmsSinkConfig cell(KmsSinkConfig::Placement layout, uint32_t index, uint32_t cells)
{
	KmsSinkConfig config;
	config.placement = layout;
	config.cell = index;
	config.cells = cells;
	return config;
}

Result<ScreenRect> mosaic(uint32_t index, uint32_t cells, uint32_t frameWidth, uint32_t frameHeight,
			  uint32_t screenWidth = 1280, uint32_t screenHeight = 960)
{
	return placeOnScreen(cell(KmsSinkConfig::Placement::Mosaic, index, cells), screenWidth,
			     screenHeight, frameWidth, frameHeight);
}

Result<ScreenRect> pip(uint32_t index, uint32_t frameWidth, uint32_t frameHeight,
		       uint32_t screenWidth = 1280, uint32_t screenHeight = 960)
{
	return placeOnScreen(cell(KmsSinkConfig::Placement::Pip, index, 4), screenWidth,
			     screenHeight, frameWidth, frameHeight);
}

/* The rectangle of a placement expected to succeed. */
ScreenRect placed(Result<ScreenRect> r)
{
	EXPECT_TRUE(r) << r.error().message;
	return r ? *r : ScreenRect{};
}

} /* namespace */

TEST(LayoutPlacement, FourFramesFillATwoByTwoMosaic)
{
	const ScreenRect expected[] = {
		{0, 0, 640, 480}, {640, 0, 640, 480}, {0, 480, 640, 480}, {640, 480, 640, 480}};
	for (uint32_t i = 0; i < 4; ++i) {
		Result<ScreenRect> r = mosaic(i, 4, 640, 480);
		ASSERT_TRUE(r) << r.error().message;
		EXPECT_EQ(*r, expected[i]) << r->describe();
	}
}

TEST(LayoutPlacement, MosaicGridIsAsSquareAsTheCountAllows)
{
	/* One cell: the whole screen, the frame centred. */
	EXPECT_EQ(placed(mosaic(0, 1, 640, 480)), (ScreenRect{320, 240, 640, 480}));
	/* Two: side by side (2x1), each cell 640x960. */
	EXPECT_EQ(placed(mosaic(1, 2, 640, 480)), (ScreenRect{640, 240, 640, 480}));
	/* Three: 2x2 with the last cell empty. */
	EXPECT_EQ(placed(mosaic(2, 3, 320, 240)), (ScreenRect{160, 600, 320, 240}));
	/* Five: 3x2 cells of 426x480 (1280 / 3, the rest stays black). */
	EXPECT_EQ(placed(mosaic(4, 5, 320, 240)), (ScreenRect{426 + 53, 480 + 120, 320, 240}));
	/* Eight: 3x3, cell 7 in the middle of the bottom row. */
	EXPECT_EQ(placed(mosaic(7, 8, 320, 240)), (ScreenRect{426 + 53, 640 + 40, 320, 240}));
	/* Nine: 3x3 as well. */
	EXPECT_EQ(placed(mosaic(8, 9, 320, 240)), (ScreenRect{852 + 53, 640 + 40, 320, 240}));
}

TEST(LayoutPlacement, MosaicRefusesAFrameLargerThanItsCell)
{
	Result<ScreenRect> r = mosaic(0, 4, 800, 600);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, EINVAL);
	EXPECT_EQ(r.error().message,
		  "a 800x600 frame does not fit its mosaic cell: 4 cells on the 1280x960 screen "
		  "are a 2x2 grid of 640x480 cells; frames of at most 640x480 fit, or a mode of at "
		  "least 1600x1200 (the plane does not scale)");
	/* One dimension too large is enough. */
	EXPECT_FALSE(mosaic(0, 4, 640, 481));
	/* A cell outside the group is a caller's bug, refused all the same. */
	EXPECT_FALSE(mosaic(4, 4, 320, 240));
}

TEST(LayoutPlacement, PipMainPictureIsTheWholeScreen)
{
	Result<ScreenRect> r = pip(0, 1280, 960);
	ASSERT_TRUE(r) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{0, 0, 1280, 960}));

	r = pip(0, 640, 480);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, EINVAL);
	EXPECT_EQ(r.error().message,
		  "the main picture of a pip layout covers the whole 1280x960 screen, and its "
		  "frame is 640x480: the plane does not scale; give the camera 1280x960 frames or "
		  "the sink mode = \"640x480\"");
}

TEST(LayoutPlacement, PipInsetsRunLeftFromTheBottomRightCorner)
{
	/* 320x240 insets, 16 pixels from the edges and from each other. */
	EXPECT_EQ(placed(pip(1, 320, 240)),
		  (ScreenRect{1280 - 16 - 320, 960 - 16 - 240, 320, 240}));
	EXPECT_EQ(placed(pip(2, 320, 240)),
		  (ScreenRect{1280 - 2 * (16 + 320), 960 - 16 - 240, 320, 240}));
	EXPECT_EQ(placed(pip(3, 320, 240)),
		  (ScreenRect{1280 - 3 * (16 + 320), 960 - 16 - 240, 320, 240}));
}

TEST(LayoutPlacement, PipRefusesAnInsetThatDoesNotFit)
{
	/* Three 320-wide slots take 1008 pixels + the left margin; a fourth
	 * would start at 1280 - 4 * 336 = -64. */
	Result<ScreenRect> r = pip(4, 320, 240);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, EINVAL);
	EXPECT_EQ(r.error().message,
		  "pip inset 4: 4 inset(s) of 320x240 with 16-pixel margins need a screen of at "
		  "least 1360x272; on the 1280x960 screen 3 fit");
	/* Too tall for the screen at all. */
	r = pip(1, 320, 940);
	ASSERT_FALSE(r);
	EXPECT_NE(r.error().message.find("on the 1280x960 screen 0 fit"), std::string::npos)
		<< r.error().message;
	/* As wide as the screen: no room for the margins. */
	EXPECT_FALSE(pip(1, 1280, 240));
}

/* gl-kms composing a layout into one buffer: where a plane would put a frame
 * that fits, scaled (aspect kept) where GL can do better than a refusal. */
TEST(LayoutPlacement, ComposedFramesThatFitGoWhereAPlaneWouldPutThem)
{
	for (uint32_t i = 0; i < 9; ++i) {
		KmsSinkConfig config = cell(KmsSinkConfig::Placement::Mosaic, i, 9);
		EXPECT_EQ(placed(placeComposed(config, 1024, 768, 320, 180)),
			  placed(placeOnScreen(config, 1024, 768, 320, 180)))
			<< "cell " << i;
	}
	/* 3x3 cells of 341x256 on 1024x768: the last one centred in the
	 * bottom-right cell. */
	EXPECT_EQ(placed(placeComposed(cell(KmsSinkConfig::Placement::Mosaic, 8, 9), 1024, 768, 320,
				       180)),
		  (ScreenRect{682 + 10, 512 + 38, 320, 180}));
	KmsSinkConfig inset = cell(KmsSinkConfig::Placement::Pip, 1, 2);
	EXPECT_EQ(placed(placeComposed(inset, 640, 480, 320, 180)),
		  (ScreenRect{640 - 16 - 320, 480 - 16 - 180, 320, 180}));
}

TEST(LayoutPlacement, ComposedFramesLargerThanTheirCellAreScaledKeepingTheAspect)
{
	/* 1280x720 in a 640x480 quadrant: 640x360, centred vertically. */
	EXPECT_EQ(placed(placeComposed(cell(KmsSinkConfig::Placement::Mosaic, 3, 4), 1280, 960,
				       1280, 720)),
		  (ScreenRect{640, 480 + 60, 640, 360}));
	/* pip's main picture: the whole screen, letterboxed. */
	EXPECT_EQ(placed(placeComposed(cell(KmsSinkConfig::Placement::Pip, 0, 2), 640, 480, 1280,
				       720)),
		  (ScreenRect{0, 60, 640, 360}));
	/* and one smaller than the screen is scaled up to it */
	EXPECT_EQ(placed(placeComposed(cell(KmsSinkConfig::Placement::Pip, 0, 2), 1280, 960, 640,
				       480)),
		  (ScreenRect{0, 0, 1280, 960}));
}

TEST(LayoutPlacement, ComposedInsetThatDoesNotFitIsStillRefused)
{
	Result<ScreenRect> r =
		placeComposed(cell(KmsSinkConfig::Placement::Pip, 3, 4), 640, 480, 320, 180);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().code, EINVAL);
	EXPECT_NE(r.error().message.find("pip inset 3"), std::string::npos) << r.error().message;
	EXPECT_FALSE(
		placeComposed(cell(KmsSinkConfig::Placement::Mosaic, 4, 4), 1280, 960, 640, 480));
}
