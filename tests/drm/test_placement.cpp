/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "drm/kms_output.h"
#include "drm/placement.h"

using namespace primecam;

namespace {

KmsSinkConfig placement(KmsSinkConfig::Placement where)
{
	KmsSinkConfig config;
	config.placement = where;
	return config;
}

KmsSinkConfig rect(int32_t x, int32_t y, uint32_t w, uint32_t h)
{
	KmsSinkConfig config = placement(KmsSinkConfig::Placement::Rect);
	config.x = x;
	config.y = y;
	config.width = w;
	config.height = h;
	return config;
}

} /* namespace */

TEST(Placement, FullscreenCoversTheMode)
{
	auto r =
		placeOnScreen(placement(KmsSinkConfig::Placement::Fullscreen), 1024, 768, 640, 480);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{0, 0, 1024, 768}));
}

TEST(Placement, CentresA640x480FrameOn1024x768)
{
	auto r = placeOnScreen(placement(KmsSinkConfig::Placement::Center), 1024, 768, 640, 480);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{192, 144, 640, 480}));
	EXPECT_EQ(r->describe(), "640x480+192+144");
}

TEST(Placement, CentredOddSizesRoundDown)
{
	auto r = placeOnScreen(placement(KmsSinkConfig::Placement::Center), 1024, 768, 321, 241);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{351, 263, 321, 241}));
}

TEST(Placement, CentredFrameLargerThanTheScreenIsRefused)
{
	auto r = placeOnScreen(placement(KmsSinkConfig::Placement::Center), 1024, 768, 1280, 720);
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().code, EINVAL);
	EXPECT_NE(r.error().message.find("1280x720"), std::string::npos) << r.error().message;
	EXPECT_NE(r.error().message.find("1024x768"), std::string::npos) << r.error().message;
}

TEST(Placement, RectOnTheScreen)
{
	auto r = placeOnScreen(rect(10, 20, 320, 240), 1024, 768, 640, 480);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{10, 20, 320, 240}));
	/* touching the bottom-right corner is still on the screen */
	r = placeOnScreen(rect(704, 528, 320, 240), 1024, 768, 640, 480);
	EXPECT_TRUE(r.ok());
}

TEST(Placement, RectWithoutSizeTakesTheFrameSize)
{
	auto r = placeOnScreen(rect(100, 50, 0, 0), 1024, 768, 640, 480);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{100, 50, 640, 480}));
}

TEST(Placement, RectOutsideTheScreenIsRefused)
{
	for (const KmsSinkConfig &config :
	     {rect(800, 0, 320, 240), rect(0, 600, 320, 240), rect(-1, 0, 320, 240),
	      rect(0, -5, 320, 240), rect(2000, 2000, 10, 10), rect(0x7fffffff, 0, 10, 10),
	      rect(1, 1, 0xffffffffu, 10)}) {
		auto r = placeOnScreen(config, 1024, 768, 640, 480);
		ASSERT_FALSE(r.ok()) << "accepted x " << config.x << " y " << config.y;
		EXPECT_EQ(r.error().code, EINVAL);
		EXPECT_NE(r.error().message.find("not wholly on the 1024x768 screen"),
			  std::string::npos)
			<< r.error().message;
	}
}

namespace {

drmModeModeInfo mode(uint16_t w, uint16_t h, uint32_t refresh, bool preferred = false)
{
	drmModeModeInfo m = {};
	m.hdisplay = w;
	m.vdisplay = h;
	m.vrefresh = refresh;
	m.type = DRM_MODE_TYPE_DRIVER | (preferred ? DRM_MODE_TYPE_PREFERRED : 0);
	std::snprintf(m.name, sizeof(m.name), "%ux%u", w, h);
	return m;
}

const std::vector<drmModeModeInfo> kModes = {
	mode(1920, 1080, 60), mode(1024, 768, 75), mode(1024, 768, 60, true),
	mode(800, 600, 60),   mode(640, 480, 75),  mode(640, 480, 60),
};

} /* namespace */

TEST(ModeSelection, FullscreenPrimaryTakesTheModeOfTheFrameSize)
{
	auto i = KmsOutput::selectMode(kModes, "", true, 640, 480);
	ASSERT_TRUE(i.ok()) << i.error().message;
	EXPECT_EQ(*i, 4u) << "the first 640x480 mode";
}

TEST(ModeSelection, OtherwiseThePreferredMode)
{
	auto i = KmsOutput::selectMode(kModes, "", false, 640, 480);
	ASSERT_TRUE(i.ok());
	EXPECT_EQ(*i, 2u);
	/* full-screen, but no mode of the frame's size: preferred, and the
	 * TEST_ONLY commit decides whether the plane can scale */
	i = KmsOutput::selectMode(kModes, "", true, 700, 500);
	ASSERT_TRUE(i.ok());
	EXPECT_EQ(*i, 2u);
}

TEST(ModeSelection, FirstModeWhenNoneIsPreferred)
{
	std::vector<drmModeModeInfo> modes = {mode(800, 600, 60), mode(640, 480, 60)};
	auto i = KmsOutput::selectMode(modes, "", false, 640, 480);
	ASSERT_TRUE(i.ok());
	EXPECT_EQ(*i, 0u);
}

TEST(ModeSelection, ConfiguredModeWinsOverTheFrameSize)
{
	auto i = KmsOutput::selectMode(kModes, "1024x768", true, 640, 480);
	ASSERT_TRUE(i.ok()) << i.error().message;
	EXPECT_EQ(*i, 2u) << "the preferred one of the 1024x768 modes";
	i = KmsOutput::selectMode(kModes, "1024x768@75", true, 640, 480);
	ASSERT_TRUE(i.ok()) << i.error().message;
	EXPECT_EQ(*i, 1u);
	i = KmsOutput::selectMode(kModes, "640x480@59.94", false, 640, 480);
	ASSERT_TRUE(i.ok()) << i.error().message;
	EXPECT_EQ(*i, 5u);
}

TEST(ModeSelection, UnknownModeListsTheModes)
{
	auto i = KmsOutput::selectMode(kModes, "1280x720", false, 640, 480);
	ASSERT_FALSE(i.ok());
	EXPECT_EQ(i.error().code, EINVAL);
	EXPECT_NE(i.error().message.find("no mode 1280x720"), std::string::npos)
		<< i.error().message;
	EXPECT_NE(i.error().message.find("1024x768@60, 800x600@60"), std::string::npos)
		<< i.error().message;
}

TEST(ModeSelection, MalformedModeIsRefused)
{
	for (const char *bad :
	     {"1024", "1024x", "x768", "1024x768@", "1024x768@0", "big", "1024x768x2", "0x0"}) {
		auto i = KmsOutput::selectMode(kModes, bad, false, 640, 480);
		ASSERT_FALSE(i.ok()) << bad;
		EXPECT_NE(i.error().message.find("not WxH or WxH@R"), std::string::npos)
			<< i.error().message;
	}
}

TEST(ModeSelection, NoModesIsAnError)
{
	auto i = KmsOutput::selectMode({}, "", true, 640, 480);
	ASSERT_FALSE(i.ok());
	EXPECT_EQ(i.error().code, ENODEV);
}

TEST(Placement, FitKeepsTheAspectRatioCentredWithBlackAround)
{
	const KmsSinkConfig fit = placement(KmsSinkConfig::Placement::Fit);
	/* Wider than the screen: full width, bars above and below. */
	auto r = placeOnScreen(fit, 640, 480, 1280, 720);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(*r, (ScreenRect{0, 60, 640, 360}));
	/* Taller: full height, bars left and right (rounded down, centred). */
	r = placeOnScreen(fit, 1280, 720, 640, 480);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r, (ScreenRect{160, 0, 960, 720}));
	/* The screen's own shape: the whole screen, smaller or larger. */
	r = placeOnScreen(fit, 1024, 768, 320, 240);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r, (ScreenRect{0, 0, 1024, 768}));
	EXPECT_EQ(sourceCrop(fit, 1024, 768, 320, 240), (ScreenRect{0, 0, 320, 240}));
}

TEST(Placement, FillCoversTheScreenWithACentredCropOfItsShape)
{
	const KmsSinkConfig fill = placement(KmsSinkConfig::Placement::Fill);
	auto r = placeOnScreen(fill, 640, 480, 320, 180);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(*r, (ScreenRect{0, 0, 640, 480}));
	EXPECT_EQ(sourceCrop(fill, 640, 480, 320, 180), (ScreenRect{40, 0, 240, 180}));
	/* A 4:3 frame on a 16:9 screen loses rows, top and bottom alike. */
	EXPECT_EQ(sourceCrop(fill, 1280, 720, 640, 480), (ScreenRect{0, 60, 640, 360}));
	/* Other placements show the whole frame. */
	EXPECT_EQ(sourceCrop(placement(KmsSinkConfig::Placement::Center), 640, 480, 320, 180),
		  (ScreenRect{0, 0, 320, 180}));
}
