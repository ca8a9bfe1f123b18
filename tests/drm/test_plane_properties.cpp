/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include <drm_fourcc.h>
#include <gtest/gtest.h>
#include <xf86drm.h>

#include "base/pixel_format.h"
#include "drm/atomic_request.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"
#include "drm/plane_color.h"

/*
 * A YUV frame on a plane sets the plane's COLOR_ENCODING and COLOR_RANGE from
 * the frame's encoding, and a sink's zpos sets the plane's "zpos". vkms 6.1
 * has no YUV planes and no zpos property, so these tests stand a card up
 * from a property table: the entries' values are deliberately not the
 * kernel's (BT.601 = 0, ...), so that a value written without looking the
 * entry up by name shows.
 */

using namespace primecam;

namespace {

constexpr uint32_t kConnector = 40, kCrtc = 50, kPrimary = 60, kOverlay = 61;
constexpr uint32_t kEncodingProp = 300, kRangeProp = 301, kZposProp = 302;

KmsProperty colorEncoding()
{
	return {"COLOR_ENCODING",
		kEncodingProp,
		7,
		{{"ITU-R BT.601 YCbCr", 7}, {"ITU-R BT.709 YCbCr", 8}, {"ITU-R BT.2020 YCbCr", 9}}};
}

KmsProperty colorRange()
{
	return {"COLOR_RANGE",
		kRangeProp,
		4,
		{{"YCbCr limited range", 4}, {"YCbCr full range", 5}}};
}

KmsPropertyList planeProps(uint32_t base, bool color, bool zpos = false)
{
	KmsPropertyList list;
	uint32_t id = base;
	for (const char *name : {"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X",
				 "CRTC_Y", "CRTC_W", "CRTC_H", "type"})
		list.properties.push_back({name, id++, 0, {}});
	if (color) {
		list.properties.push_back(colorEncoding());
		list.properties.push_back(colorRange());
	}
	if (zpos)
		list.properties.push_back({"zpos", kZposProp, 1, {}});
	return list;
}

KmsPlane plane(uint32_t id, KmsPlane::Type type, std::vector<uint32_t> formats, bool color,
	       bool zpos = false)
{
	KmsPlane p;
	p.id = id;
	p.type = type;
	p.possibleCrtcs = 1;
	p.formats = formats;
	for (uint32_t f : formats)
		p.formatModifiers.push_back({f, DRM_FORMAT_MOD_LINEAR});
	p.properties = planeProps(id * 10, color, zpos);
	return p;
}

drmModeModeInfo mode640x480()
{
	drmModeModeInfo mode = {};
	mode.hdisplay = 640;
	mode.vdisplay = 480;
	mode.vrefresh = 60;
	mode.type = DRM_MODE_TYPE_PREFERRED;
	return mode;
}

/* One connector on one CRTC, an XRGB8888 primary plane and an NV12 overlay,
 * with or without the colour properties on the overlay. */
KmsResources card(bool overlayHasColor, bool overlayHasZpos = false)
{
	KmsConnector connector;
	connector.id = kConnector;
	connector.name = "Virtual-1";
	connector.connection = DRM_MODE_CONNECTED;
	connector.modes = {mode640x480()};
	connector.possibleCrtcs = 1;
	connector.properties.properties = {{"CRTC_ID", 401, 0, {}}};
	KmsCrtc crtc;
	crtc.id = kCrtc;
	crtc.properties.properties = {{"ACTIVE", 501, 0, {}}, {"MODE_ID", 502, 0, {}}};
	return KmsResources::fromParts(
		{connector}, {crtc},
		{plane(kPrimary, KmsPlane::Type::Primary, {DRM_FORMAT_XRGB8888}, false),
		 plane(kOverlay, KmsPlane::Type::Overlay, {DRM_FORMAT_NV12, DRM_FORMAT_XRGB8888},
		       overlayHasColor, overlayHasZpos)});
}

KmsSinkConfig overlayConfig()
{
	KmsSinkConfig config;
	config.card = "fake";
	config.plane = KmsSinkConfig::Plane::Overlay;
	config.placement = KmsSinkConfig::Placement::Center;
	return config;
}

KmsOutput::FrameFormat frame(const char *format, YuvEncoding encoding)
{
	return {formatByName(format), DRM_FORMAT_MOD_LINEAR, 320, 240, encoding};
}

/* The values the modeset sets on each (object, property). */
std::map<std::pair<uint32_t, uint32_t>, uint64_t> seen;

int recordIoctl(int, unsigned long, void *arg)
{
	auto *atomic = static_cast<drm_mode_atomic *>(arg);
	const auto *objs = reinterpret_cast<const uint32_t *>(atomic->objs_ptr);
	const auto *counts = reinterpret_cast<const uint32_t *>(atomic->count_props_ptr);
	const auto *props = reinterpret_cast<const uint32_t *>(atomic->props_ptr);
	const auto *values = reinterpret_cast<const uint64_t *>(atomic->prop_values_ptr);
	size_t at = 0;
	for (uint32_t o = 0; o < atomic->count_objs; ++o)
		for (uint32_t c = 0; c < counts[o]; ++c, ++at)
			seen[{objs[o], props[at]}] = values[at];
	return 0;
}

/* The modeset the sink would commit for frame on the overlay. */
Result<KmsOutput> modeset(const KmsResources &res, const KmsSinkConfig &config,
			  const KmsOutput::FrameFormat &f)
{
	seen.clear();
	Result<KmsOutput> out = KmsOutput::select(res, config, f, "fake card");
	if (!out)
		return out;
	AtomicRequest req(&recordIoctl);
	EXPECT_EQ(out->addModeset(req, 1, 2, 3), 0);
	EXPECT_EQ(req.commit(-1, DRM_MODE_ATOMIC_TEST_ONLY), 0);
	return out;
}

TEST(PlaneColor, EntriesAreTheKernelsNames)
{
	EXPECT_STREQ(colorEncodingEntry(YuvMatrix::Bt601), "ITU-R BT.601 YCbCr");
	EXPECT_STREQ(colorEncodingEntry(YuvMatrix::Bt709), "ITU-R BT.709 YCbCr");
	EXPECT_STREQ(colorEncodingEntry(YuvMatrix::Bt2020), "ITU-R BT.2020 YCbCr");
	EXPECT_STREQ(colorRangeEntry(YuvRange::Limited), "YCbCr limited range");
	EXPECT_STREQ(colorRangeEntry(YuvRange::Full), "YCbCr full range");
}

TEST(PlaneColor, Bt709FullRangeNv12SetsBothPropertiesByEntryName)
{
	KmsResources res = card(true);
	Result<KmsOutput> out =
		modeset(res, overlayConfig(), frame("NV12", {YuvMatrix::Bt709, YuvRange::Full}));
	ASSERT_TRUE(out.ok()) << out.error().message;
	EXPECT_EQ((seen[{kOverlay, kEncodingProp}]), 8u);
	EXPECT_EQ((seen[{kOverlay, kRangeProp}]), 5u);
}

TEST(PlaneColor, Bt601LimitedIsSetTooNotLeftToAnEarlierClient)
{
	KmsResources res = card(true);
	ASSERT_TRUE(modeset(res, overlayConfig(), frame("NV12", {})).ok());
	ASSERT_TRUE(seen.contains({kOverlay, kEncodingProp}));
	EXPECT_EQ((seen[{kOverlay, kEncodingProp}]), 7u);
	EXPECT_EQ((seen[{kOverlay, kRangeProp}]), 4u);
}

TEST(PlaneColor, TheConfigsMatrixAndRangeWinOverTheFrames)
{
	KmsResources res = card(true);
	KmsSinkConfig config = overlayConfig();
	config.encoding.matrix = YuvMatrix::Bt2020;
	config.encoding.range = YuvRange::Limited;
	ASSERT_TRUE(modeset(res, config, frame("NV12", {YuvMatrix::Bt709, YuvRange::Full})).ok());
	EXPECT_EQ((seen[{kOverlay, kEncodingProp}]), 9u);
	EXPECT_EQ((seen[{kOverlay, kRangeProp}]), 4u);
}

TEST(PlaneColor, RgbFramesLeaveThePropertiesAlone)
{
	KmsResources res = card(true);
	ASSERT_TRUE(modeset(res, overlayConfig(), frame("XRGB8888", {})).ok());
	EXPECT_FALSE(seen.contains({kOverlay, kEncodingProp}));
	EXPECT_FALSE(seen.contains({kOverlay, kRangeProp}));
}

TEST(PlaneColor, APlaneWithoutThePropertiesRefusesOtherEncodingsNamingWhy)
{
	KmsResources res = card(false);
	Result<KmsOutput> out =
		modeset(res, overlayConfig(), frame("NV12", {YuvMatrix::Bt709, YuvRange::Limited}));
	ASSERT_FALSE(out.ok());
	EXPECT_EQ(out.error().code, EINVAL);
	const std::string &m = out.error().message;
	EXPECT_NE(m.find("plane 61 (overlay)"), std::string::npos) << m;
	EXPECT_NE(m.find("bt709 limited"), std::string::npos) << m;
	EXPECT_NE(m.find("no COLOR_ENCODING property"), std::string::npos) << m;
	EXPECT_NE(m.find("accept_plane_encoding"), std::string::npos) << m;
}

TEST(PlaneColor, APlaneWithoutThePropertiesShowsBt601LimitedAsItIs)
{
	KmsResources res = card(false);
	ASSERT_TRUE(modeset(res, overlayConfig(), frame("NV12", {})).ok());
	EXPECT_FALSE(seen.contains({kOverlay, kEncodingProp}));
}

TEST(PlaneColor, AcceptPlaneEncodingShowsOtherEncodingsAsThePlaneConverts)
{
	KmsResources res = card(false);
	KmsSinkConfig config = overlayConfig();
	config.acceptPlaneEncoding = true;
	Result<KmsOutput> out =
		modeset(res, config, frame("NV12", {YuvMatrix::Bt709, YuvRange::Full}));
	ASSERT_TRUE(out.ok()) << out.error().message;
	EXPECT_FALSE(seen.contains({kOverlay, kEncodingProp}));
	EXPECT_FALSE(seen.contains({kOverlay, kRangeProp}));
}

TEST(PlaneColor, AnEntryThePlaneLacksIsNamedWithWhatItOffers)
{
	KmsPlane p = plane(kOverlay, KmsPlane::Type::Overlay, {DRM_FORMAT_NV12}, true);
	/* A plane whose driver offers BT.601 and BT.709 only. */
	p.properties.properties[11].enums.pop_back();
	Result<std::optional<PlaneColor>> color =
		planeColorFor(p, *formatByName("NV12"), {YuvMatrix::Bt2020, YuvRange::Limited},
			      false, "card: plane 61");
	ASSERT_FALSE(color.ok());
	EXPECT_NE(color.error().message.find("its COLOR_ENCODING has no \"ITU-R BT.2020 YCbCr\" "
					     "(it offers: ITU-R BT.601 YCbCr, ITU-R BT.709 YCbCr)"),
		  std::string::npos)
		<< color.error().message;
}

} /* namespace */

TEST(PlaneZpos, TheConfigsZposIsSetWithThePlanesState)
{
	KmsResources res = card(false, true);
	KmsSinkConfig config = overlayConfig();
	config.zpos = 3;
	Result<KmsOutput> out = modeset(res, config, frame("XRGB8888", {}));
	ASSERT_TRUE(out) << out.error().message;
	ASSERT_TRUE(seen.count({kOverlay, kZposProp}));
	EXPECT_EQ((seen[{kOverlay, kZposProp}]), 3u);
}

TEST(PlaneZpos, WithoutZposThePlanesOwnOrderIsLeftAlone)
{
	KmsResources res = card(false, true);
	Result<KmsOutput> out = modeset(res, overlayConfig(), frame("XRGB8888", {}));
	ASSERT_TRUE(out) << out.error().message;
	EXPECT_FALSE(seen.count({kOverlay, kZposProp}));
}

TEST(PlaneZpos, APlaneWithoutTheZposPropertyIsRefusedNamingWhy)
{
	KmsResources res = card(false, false);
	KmsSinkConfig config = overlayConfig();
	config.zpos = 3;
	Result<KmsOutput> out = modeset(res, config, frame("XRGB8888", {}));
	ASSERT_FALSE(out);
	EXPECT_NE(out.error().message.find("has no zpos property"), std::string::npos)
		<< out.error().message;
}

namespace {

/* The plane's rectangles as the modeset sets them: SRC_* in 16.16 fixed
 * point, CRTC_* in pixels (planeProps numbers them from id * 10). */
ScreenRect shownPart(uint32_t planeId)
{
	const uint32_t base = planeId * 10;
	return {static_cast<int32_t>(seen[{planeId, base + 2}] >> 16),
		static_cast<int32_t>(seen[{planeId, base + 3}] >> 16),
		static_cast<uint32_t>(seen[{planeId, base + 4}] >> 16),
		static_cast<uint32_t>(seen[{planeId, base + 5}] >> 16)};
}

ScreenRect placeOnCrtc(uint32_t planeId)
{
	const uint32_t base = planeId * 10;
	return {static_cast<int32_t>(seen[{planeId, base + 6}]),
		static_cast<int32_t>(seen[{planeId, base + 7}]),
		static_cast<uint32_t>(seen[{planeId, base + 8}]),
		static_cast<uint32_t>(seen[{planeId, base + 9}])};
}

KmsOutput::FrameFormat wideFrame()
{
	return {formatByName("XRGB8888"), DRM_FORMAT_MOD_LINEAR, 320, 180, {}};
}

} /* namespace */

TEST(PlaneScaling, FitPutsTheWholeFrameInTheLargestRectangleOfItsShape)
{
	KmsResources res = card(false);
	KmsSinkConfig config = overlayConfig();
	config.placement = KmsSinkConfig::Placement::Fit;
	Result<KmsOutput> out = modeset(res, config, wideFrame());
	ASSERT_TRUE(out) << out.error().message;
	/* 16:9 on a 4:3 mode: the width is the limit, black above and below. */
	EXPECT_EQ(placeOnCrtc(kOverlay), (ScreenRect{0, 60, 640, 360}));
	EXPECT_EQ(shownPart(kOverlay), (ScreenRect{0, 0, 320, 180}));
	EXPECT_TRUE(out->scales());
}

TEST(PlaneScaling, FillCropsTheFrameToTheScreensShapeAndCoversIt)
{
	KmsResources res = card(false);
	KmsSinkConfig config = overlayConfig();
	config.placement = KmsSinkConfig::Placement::Fill;
	Result<KmsOutput> out = modeset(res, config, wideFrame());
	ASSERT_TRUE(out) << out.error().message;
	EXPECT_EQ(placeOnCrtc(kOverlay), (ScreenRect{0, 0, 640, 480}));
	/* 4:3 out of 16:9: the middle 240 of 320 columns, every row. */
	EXPECT_EQ(shownPart(kOverlay), (ScreenRect{40, 0, 240, 180}));
	EXPECT_EQ(out->crop(), (ScreenRect{40, 0, 240, 180}));
}

TEST(PlaneScaling, AnUnscaledPlacementShowsTheWholeFrameAtItsSize)
{
	KmsResources res = card(false);
	Result<KmsOutput> out = modeset(res, overlayConfig(), wideFrame());
	ASSERT_TRUE(out) << out.error().message;
	EXPECT_EQ(placeOnCrtc(kOverlay), (ScreenRect{160, 150, 320, 180}));
	EXPECT_EQ(shownPart(kOverlay), (ScreenRect{0, 0, 320, 180}));
	EXPECT_FALSE(out->scales());
}
