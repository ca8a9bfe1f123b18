/* SPDX-License-Identifier: MIT */
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <libdrm/drm_fourcc.h>
#include <linux/videodev2.h>

#include "base/pixel_format.h"

using primecam::allFormats;
using primecam::formatByDrm;
using primecam::formatByName;
using primecam::formatByV4l2;
using primecam::fourccToString;
using primecam::PixelFormatInfo;

namespace {

struct Pair {
	uint32_t v4l2;
	uint32_t drm;
	const char *name; /* the DRM name the row must carry */
};

/*
 * The same bytes in memory, as V4L2 and DRM call them (videodev2.h names by
 * byte order, drm_fourcc.h by little-endian word). Each pair was checked
 * against the byte-order comments of both headers and the V4L2 spec tables.
 */
const Pair kNamingTrap[] = {
	{V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888, "XRGB8888"}, /* B G R X */
	{V4L2_PIX_FMT_ABGR32, DRM_FORMAT_ARGB8888, "ARGB8888"}, /* B G R A */
	{V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888, "XBGR8888"}, /* R G B X */
	{V4L2_PIX_FMT_RGBA32, DRM_FORMAT_ABGR8888, "ABGR8888"}, /* R G B A */
	{V4L2_PIX_FMT_XRGB32, DRM_FORMAT_BGRX8888, "BGRX8888"}, /* X R G B */
	{V4L2_PIX_FMT_ARGB32, DRM_FORMAT_BGRA8888, "BGRA8888"}, /* A R G B */
	{V4L2_PIX_FMT_RGB24, DRM_FORMAT_BGR888, "BGR888"},	/* R G B */
	{V4L2_PIX_FMT_BGR24, DRM_FORMAT_RGB888, "RGB888"},	/* B G R */
	{V4L2_PIX_FMT_RGB565, DRM_FORMAT_RGB565, "RGB565"},
	{V4L2_PIX_FMT_YUV420, DRM_FORMAT_YUV420, "YUV420"},
	{V4L2_PIX_FMT_YVU420, DRM_FORMAT_YVU420, "YVU420"},
	{V4L2_PIX_FMT_YUV422P, DRM_FORMAT_YUV422, "YUV422"},
	{V4L2_PIX_FMT_YUYV, DRM_FORMAT_YUYV, "YUYV"},
	{V4L2_PIX_FMT_YVYU, DRM_FORMAT_YVYU, "YVYU"},
	{V4L2_PIX_FMT_UYVY, DRM_FORMAT_UYVY, "UYVY"},
	{V4L2_PIX_FMT_VYUY, DRM_FORMAT_VYUY, "VYUY"},
	{V4L2_PIX_FMT_NV12, DRM_FORMAT_NV12, "NV12"},
	{V4L2_PIX_FMT_NV21, DRM_FORMAT_NV21, "NV21"},
	{V4L2_PIX_FMT_NV16, DRM_FORMAT_NV16, "NV16"},
	{V4L2_PIX_FMT_NV61, DRM_FORMAT_NV61, "NV61"},
	{V4L2_PIX_FMT_GREY, DRM_FORMAT_R8, "R8"},
};

} /* namespace */

TEST(PixelFormat, NamingTrapPairsMapToOneRow)
{
	for (const Pair &pair : kNamingTrap) {
		SCOPED_TRACE(std::string(pair.name) + " V4L2 " + fourccToString(pair.v4l2));
		const PixelFormatInfo *byV4l2 = formatByV4l2(pair.v4l2);
		const PixelFormatInfo *byDrm = formatByDrm(pair.drm);
		ASSERT_NE(byV4l2, nullptr);
		ASSERT_NE(byDrm, nullptr);
		EXPECT_EQ(byV4l2, byDrm);
		EXPECT_EQ(byV4l2->name, pair.name);
		EXPECT_EQ(byV4l2->v4l2, pair.v4l2);
		EXPECT_EQ(byV4l2->drm, pair.drm);
	}
}

TEST(PixelFormat, SameNameIsNotSameLayout)
{
	/* The trap itself: matching by name across the APIs picks the wrong bytes. */
	EXPECT_NE(formatByV4l2(V4L2_PIX_FMT_RGB24), formatByDrm(DRM_FORMAT_RGB888));
	EXPECT_NE(formatByV4l2(V4L2_PIX_FMT_BGR24), formatByDrm(DRM_FORMAT_BGR888));
	EXPECT_NE(formatByV4l2(V4L2_PIX_FMT_XRGB32), formatByDrm(DRM_FORMAT_XRGB8888));
	EXPECT_NE(formatByV4l2(V4L2_PIX_FMT_XBGR32), formatByDrm(DRM_FORMAT_XBGR8888));
	/* ...while the 32-bit fourcc numbers of one layout coincide. */
	EXPECT_EQ(V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888);
	EXPECT_EQ(V4L2_PIX_FMT_XRGB32, DRM_FORMAT_BGRX8888);
}

TEST(PixelFormat, MplaneVariantsShareTheRow)
{
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_NV12M), formatByDrm(DRM_FORMAT_NV12));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_NV21M), formatByDrm(DRM_FORMAT_NV21));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_NV16M), formatByDrm(DRM_FORMAT_NV16));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_NV61M), formatByDrm(DRM_FORMAT_NV61));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_YUV420M), formatByDrm(DRM_FORMAT_YUV420));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_YVU420M), formatByDrm(DRM_FORMAT_YVU420));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_YUV422M), formatByDrm(DRM_FORMAT_YUV422));
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_YVU422M), formatByDrm(DRM_FORMAT_YVU422));
	EXPECT_EQ(formatByDrm(DRM_FORMAT_NV12)->v4l2Mplane, V4L2_PIX_FMT_NV12M);
}

TEST(PixelFormat, DeprecatedAliases)
{
	/* 'BGR4' is bytes B,G,R,(A|X): the XBGR32 layout, DRM XRGB8888. */
	const PixelFormatInfo *bgr32 = formatByV4l2(V4L2_PIX_FMT_BGR32);
	ASSERT_NE(bgr32, nullptr);
	EXPECT_EQ(bgr32->drm, DRM_FORMAT_XRGB8888);
	EXPECT_FALSE(bgr32->alpha);
	/* 'RGB4' is bytes (A|X),R,G,B: the XRGB32 layout, DRM BGRX8888. */
	const PixelFormatInfo *rgb32 = formatByV4l2(V4L2_PIX_FMT_RGB32);
	ASSERT_NE(rgb32, nullptr);
	EXPECT_EQ(rgb32->drm, DRM_FORMAT_BGRX8888);
}

TEST(PixelFormat, OneSidedFormats)
{
	const PixelFormatInfo *bayer = formatByV4l2(V4L2_PIX_FMT_SBGGR8);
	ASSERT_NE(bayer, nullptr);
	EXPECT_EQ(bayer->name, "SBGGR8");
	EXPECT_EQ(bayer->drm, 0u);
	EXPECT_TRUE(bayer->bayer);
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_SRGGB8)->name, "SRGGB8");
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_SGRBG8)->name, "SGRBG8");
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_SGBRG8)->name, "SGBRG8");

	const PixelFormatInfo *deep = formatByDrm(DRM_FORMAT_XRGB16161616);
	ASSERT_NE(deep, nullptr);
	EXPECT_EQ(deep->v4l2, 0u);
	EXPECT_EQ(deep->minLineBytes(0, 1024), 8192u);

	/* 0 means "none" in the table and must not find those rows. */
	EXPECT_EQ(formatByDrm(0), nullptr);
	EXPECT_EQ(formatByV4l2(0), nullptr);
	EXPECT_EQ(formatByV4l2(V4L2_PIX_FMT_MJPEG), nullptr);
	EXPECT_EQ(formatByDrm(DRM_FORMAT_P010), nullptr);
}

TEST(PixelFormat, TableIsConsistent)
{
	std::set<uint32_t> drm, v4l2;
	std::set<std::string_view> names;
	for (const PixelFormatInfo &info : allFormats()) {
		SCOPED_TRACE(std::string(info.name));
		EXPECT_TRUE(names.insert(info.name).second);
		ASSERT_GE(info.numPlanes, 1);
		ASSERT_LE(info.numPlanes, 3);
		EXPECT_EQ(info.planes[0].hSub, 1);
		EXPECT_EQ(info.planes[0].vSub, 1);
		for (unsigned i = 0; i < info.numPlanes; i++) {
			EXPECT_GT(info.planes[i].bytesPerBlock, 0);
			EXPECT_GT(info.planes[i].blockWidth, 0);
		}
		/* Only multi-plane formats have an 'M' variant. */
		if (info.numPlanes == 1) {
			EXPECT_EQ(info.v4l2Mplane, 0u);
		}
		EXPECT_EQ(info.bayer, info.drm == 0);
		EXPECT_TRUE(info.v4l2 || info.v4l2Mplane || info.drm);

		/* Every fourcc of the row finds the row, and no other row has it. */
		if (info.drm) {
			EXPECT_TRUE(drm.insert(info.drm).second);
			EXPECT_EQ(formatByDrm(info.drm), &info);
		}
		for (uint32_t code : {info.v4l2, info.v4l2Mplane}) {
			if (!code)
				continue;
			EXPECT_TRUE(v4l2.insert(code).second);
			EXPECT_EQ(formatByV4l2(code), &info);
		}
	}
	EXPECT_GE(allFormats().size(), 27u);
}

TEST(PixelFormat, FormatByNameBothNamingStyles)
{
	const PixelFormatInfo *xrgb = formatByDrm(DRM_FORMAT_XRGB8888);
	EXPECT_EQ(formatByName("XRGB8888"), xrgb);
	EXPECT_EQ(formatByName("XR24"), xrgb);
	EXPECT_EQ(formatByName("BGR4"), xrgb); /* deprecated V4L2 alias */

	/* The 24-bit trap: V4L2 'RGB3' is DRM BGR888 ('BG24'), not RGB888. */
	const PixelFormatInfo *bgr888 = formatByDrm(DRM_FORMAT_BGR888);
	EXPECT_EQ(formatByName("RGB3"), bgr888);
	EXPECT_EQ(formatByName("BG24"), bgr888);
	EXPECT_EQ(formatByName("BGR888"), bgr888);
	EXPECT_EQ(formatByName("RG24"), formatByDrm(DRM_FORMAT_RGB888));
	EXPECT_EQ(formatByName("BGR3"), formatByDrm(DRM_FORMAT_RGB888));

	EXPECT_EQ(formatByName("YUYV"), formatByDrm(DRM_FORMAT_YUYV));
	EXPECT_EQ(formatByName("BA81"), formatByV4l2(V4L2_PIX_FMT_SBGGR8));
	EXPECT_EQ(formatByName("SBGGR8"), formatByV4l2(V4L2_PIX_FMT_SBGGR8));
	EXPECT_EQ(formatByName("NM12"), formatByDrm(DRM_FORMAT_NV12));
	EXPECT_EQ(formatByName("422P"), formatByDrm(DRM_FORMAT_YUV422));
	EXPECT_EQ(formatByName("YU16"), formatByDrm(DRM_FORMAT_YUV422));
	EXPECT_EQ(formatByName("YU12"), formatByDrm(DRM_FORMAT_YUV420));
	EXPECT_EQ(formatByName("GREY"), formatByDrm(DRM_FORMAT_R8));
	EXPECT_EQ(formatByName("R8"), formatByDrm(DRM_FORMAT_R8));
	EXPECT_EQ(formatByName("RGBP"), formatByDrm(DRM_FORMAT_RGB565));

	EXPECT_EQ(formatByName(""), nullptr);
	EXPECT_EQ(formatByName("xr24"), nullptr); /* fourccs are case-sensitive */
	EXPECT_EQ(formatByName("MJPG"), nullptr);
	EXPECT_EQ(formatByName("XRGB888"), nullptr);
	EXPECT_EQ(formatByName("RGB24"), nullptr); /* V4L2 macro names are not accepted */
}

TEST(PixelFormat, FormatByNameRoundTripsEveryRow)
{
	for (const PixelFormatInfo &info : allFormats()) {
		SCOPED_TRACE(std::string(info.name));
		EXPECT_EQ(formatByName(info.name), &info);
		for (uint32_t code : {info.v4l2, info.v4l2Mplane, info.drm}) {
			if (code) {
				EXPECT_EQ(formatByName(fourccToString(code)), &info)
					<< fourccToString(code);
			}
		}
	}
}

TEST(PixelFormat, MinLineBytesRoundsUp)
{
	EXPECT_EQ(formatByDrm(DRM_FORMAT_XRGB8888)->minLineBytes(0, 640), 2560u);
	EXPECT_EQ(formatByDrm(DRM_FORMAT_RGB888)->minLineBytes(0, 641), 1923u);
	EXPECT_EQ(formatByDrm(DRM_FORMAT_RGB565)->minLineBytes(0, 641), 1282u);

	/* YUYV: a 4-byte block per 2 pixels; the last odd pixel needs a whole block. */
	const PixelFormatInfo *yuyv = formatByDrm(DRM_FORMAT_YUYV);
	EXPECT_EQ(yuyv->minLineBytes(0, 640), 1280u);
	EXPECT_EQ(yuyv->minLineBytes(0, 641), 1284u);

	const PixelFormatInfo *nv12 = formatByDrm(DRM_FORMAT_NV12);
	EXPECT_EQ(nv12->minLineBytes(0, 641), 641u);
	EXPECT_EQ(nv12->minLineBytes(1, 641), 642u); /* 321 CbCr pairs */
	EXPECT_EQ(nv12->minLineBytes(2, 641), 0u);   /* no such plane */

	const PixelFormatInfo *yuv420 = formatByDrm(DRM_FORMAT_YUV420);
	EXPECT_EQ(yuv420->minLineBytes(1, 641), 321u);
	EXPECT_EQ(yuv420->minLineBytes(2, 640), 320u);

	/* Saturates rather than wrapping to a small, plausible number. */
	const PixelFormatInfo *deep = formatByDrm(DRM_FORMAT_XRGB16161616);
	EXPECT_EQ(deep->minLineBytes(0, 0x20000000), std::numeric_limits<uint32_t>::max());
}

TEST(PixelFormat, PlaneHeightRoundsUp)
{
	const PixelFormatInfo *nv12 = formatByDrm(DRM_FORMAT_NV12);
	EXPECT_EQ(nv12->planeHeight(0, 481), 481u);
	EXPECT_EQ(nv12->planeHeight(1, 481), 241u);
	EXPECT_EQ(nv12->planeHeight(1, 480), 240u);
	EXPECT_EQ(formatByDrm(DRM_FORMAT_NV16)->planeHeight(1, 481), 481u);
	EXPECT_EQ(formatByDrm(DRM_FORMAT_YUV420)->planeHeight(2, 481), 241u);
	EXPECT_EQ(formatByDrm(DRM_FORMAT_YUV422)->planeHeight(2, 481), 481u);
	EXPECT_EQ(nv12->planeHeight(2, 481), 0u);
}

TEST(PixelFormat, FourccToString)
{
	EXPECT_EQ(fourccToString(DRM_FORMAT_XRGB8888), "XR24");
	EXPECT_EQ(fourccToString(V4L2_PIX_FMT_YUV422P), "422P");
	EXPECT_EQ(fourccToString(DRM_FORMAT_R8), "R8  ");
	/* Bit 31 is the big-endian flag of both APIs, not part of the name. */
	EXPECT_EQ(fourccToString(V4L2_PIX_FMT_ARGB555X), "AR15-BE");
	EXPECT_EQ(fourccToString(DRM_FORMAT_RGB565 | DRM_FORMAT_BIG_ENDIAN), "RG16-BE");
	EXPECT_EQ(fourccToString(0), "???? (0x00000000)");
	EXPECT_EQ(fourccToString(0x01005858), "XX?? (0x01005858)");
}
