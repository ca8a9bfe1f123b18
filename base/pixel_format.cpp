/* SPDX-License-Identifier: MIT */
#include "base/pixel_format.h"

#include <cinttypes>
#include <cstdio>
#include <limits>

#include <libdrm/drm_fourcc.h>
#include <linux/videodev2.h>

namespace primecam {

namespace {

constexpr std::array<PlaneInfo, 3> packed(uint8_t bytesPerPixel)
{
	return {{{bytesPerPixel, 1, 1, 1}}};
}

/* 4:2:2 packed YUV: one 4-byte block (Y0 Cb Y1 Cr, in some order) per 2 pixels. */
constexpr std::array<PlaneInfo, 3> kPackedYuv422 = {{{4, 2, 1, 1}}};

/* Semi-planar: a Y plane, then one plane of interleaved CbCr (or CrCb) pairs. */
constexpr std::array<PlaneInfo, 3> semiPlanar(uint8_t hSub, uint8_t vSub)
{
	return {{{1, 1, 1, 1}, {2, 1, hSub, vSub}}};
}

/* Fully planar: Y, then two chroma planes of one byte per sample. */
constexpr std::array<PlaneInfo, 3> planar(uint8_t hSub, uint8_t vSub)
{
	return {{{1, 1, 1, 1}, {1, 1, hSub, vSub}, {1, 1, hSub, vSub}}};
}

/*
 * THE NAMING TRAP. V4L2 names packed RGB formats by the order of the bytes in
 * memory (videodev2.h: "BGRX-8-8-8-8" = B at the lowest address). DRM names
 * them by the components of a little-endian word from the most significant
 * bit down (drm_fourcc.h: "[31:0] x:R:G:B little endian" = B at the lowest
 * address). So the same bytes carry opposite-looking names:
 *
 *   bytes in memory   V4L2                     DRM
 *   B G R X           XBGR32  'XR24'           XRGB8888 'XR24'
 *   B G R A           ABGR32  'AR24'           ARGB8888 'AR24'
 *   R G B X           RGBX32  'XB24'           XBGR8888 'XB24'
 *   R G B A           RGBA32  'AB24'           ABGR8888 'AB24'
 *   X R G B           XRGB32  'BX24'           BGRX8888 'BX24'
 *   A R G B           ARGB32  'BA24'           BGRA8888 'BA24'
 *   B G R             BGR24   'BGR3'           RGB888   'RG24'
 *   R G B             RGB24   'RGB3'           BGR888   'BG24'
 *   RGB565 LE word    RGB565  'RGBP'           RGB565   'RG16'
 *
 * For the 32-bit formats the two fourccs are the same number, the names are
 * not; for 24/16-bit ones even the fourccs differ. The YUV formats agree on
 * the name (YUYV, NV12, ...): the DRM descriptions, read as little-endian
 * words, give the same byte order as the V4L2 tables. V4L2's planar names
 * differ: V4L2 YUV420 'YU12' = DRM YUV420 'YU12', V4L2 YUV422P '422P' = DRM
 * YUV422 'YU16' (Y, then Cb, then Cr, per the V4L2 spec's YUV422P section,
 * despite the "YVU422 planar" comment in videodev2.h).
 */
constexpr PixelFormatInfo kFormats[] = {
	/* Packed RGB. */
	{"XRGB8888", DRM_FORMAT_XRGB8888, V4L2_PIX_FMT_XBGR32, 0, 1, packed(4), false, false,
	 false},
	{"ARGB8888", DRM_FORMAT_ARGB8888, V4L2_PIX_FMT_ABGR32, 0, 1, packed(4), false, false, true},
	{"XBGR8888", DRM_FORMAT_XBGR8888, V4L2_PIX_FMT_RGBX32, 0, 1, packed(4), false, false,
	 false},
	{"ABGR8888", DRM_FORMAT_ABGR8888, V4L2_PIX_FMT_RGBA32, 0, 1, packed(4), false, false, true},
	{"BGRX8888", DRM_FORMAT_BGRX8888, V4L2_PIX_FMT_XRGB32, 0, 1, packed(4), false, false,
	 false},
	{"BGRA8888", DRM_FORMAT_BGRA8888, V4L2_PIX_FMT_ARGB32, 0, 1, packed(4), false, false, true},
	{"RGB888", DRM_FORMAT_RGB888, V4L2_PIX_FMT_BGR24, 0, 1, packed(3), false, false, false},
	{"BGR888", DRM_FORMAT_BGR888, V4L2_PIX_FMT_RGB24, 0, 1, packed(3), false, false, false},
	{"RGB565", DRM_FORMAT_RGB565, V4L2_PIX_FMT_RGB565, 0, 1, packed(2), false, false, false},
	/* DRM only: vkms 6.1 scans it out; no V4L2 device produces it. */
	{"XRGB16161616", DRM_FORMAT_XRGB16161616, 0, 0, 1, packed(8), false, false, false},

	/* Packed YUV 4:2:2. */
	{"YUYV", DRM_FORMAT_YUYV, V4L2_PIX_FMT_YUYV, 0, 1, kPackedYuv422, true, false, false},
	{"YVYU", DRM_FORMAT_YVYU, V4L2_PIX_FMT_YVYU, 0, 1, kPackedYuv422, true, false, false},
	{"UYVY", DRM_FORMAT_UYVY, V4L2_PIX_FMT_UYVY, 0, 1, kPackedYuv422, true, false, false},
	{"VYUY", DRM_FORMAT_VYUY, V4L2_PIX_FMT_VYUY, 0, 1, kPackedYuv422, true, false, false},

	/* Semi-planar YUV; the 'M' variants put each plane in its own buffer. */
	{"NV12", DRM_FORMAT_NV12, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M, 2, semiPlanar(2, 2), true,
	 false, false},
	{"NV21", DRM_FORMAT_NV21, V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_NV21M, 2, semiPlanar(2, 2), true,
	 false, false},
	{"NV16", DRM_FORMAT_NV16, V4L2_PIX_FMT_NV16, V4L2_PIX_FMT_NV16M, 2, semiPlanar(2, 1), true,
	 false, false},
	{"NV61", DRM_FORMAT_NV61, V4L2_PIX_FMT_NV61, V4L2_PIX_FMT_NV61M, 2, semiPlanar(2, 1), true,
	 false, false},

	/* Planar YUV. V4L2 has no contiguous YVU 4:2:2, only YVU422M. */
	{"YUV420", DRM_FORMAT_YUV420, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YUV420M, 3, planar(2, 2),
	 true, false, false},
	{"YVU420", DRM_FORMAT_YVU420, V4L2_PIX_FMT_YVU420, V4L2_PIX_FMT_YVU420M, 3, planar(2, 2),
	 true, false, false},
	{"YUV422", DRM_FORMAT_YUV422, V4L2_PIX_FMT_YUV422P, V4L2_PIX_FMT_YUV422M, 3, planar(2, 1),
	 true, false, false},
	{"YVU422", DRM_FORMAT_YVU422, 0, V4L2_PIX_FMT_YVU422M, 3, planar(2, 1), true, false, false},

	/*
	 * Luma only. Not flagged yuv: DRM and EGL treat R8 as a one-channel
	 * format and take no YUV colour-space hints for it.
	 */
	{"R8", DRM_FORMAT_R8, V4L2_PIX_FMT_GREY, 0, 1, packed(1), false, false, false},

	/* Raw Bayer: DRM has no fourcc; libv4l2 (not zero-copy) converts it. */
	{"SBGGR8", 0, V4L2_PIX_FMT_SBGGR8, 0, 1, packed(1), false, true, false},
	{"SGBRG8", 0, V4L2_PIX_FMT_SGBRG8, 0, 1, packed(1), false, true, false},
	{"SGRBG8", 0, V4L2_PIX_FMT_SGRBG8, 0, 1, packed(1), false, true, false},
	{"SRGGB8", 0, V4L2_PIX_FMT_SRGGB8, 0, 1, packed(1), false, true, false},
};

/*
 * Deprecated V4L2 fourccs that old drivers still report. The V4L2 spec
 * ("Deprecated RGB Formats") says their alpha byte is ill-defined, read as
 * either ARGB or XRGB depending on the driver: map them to the X variant so
 * that garbage is never taken for alpha.
 */
struct Alias {
	uint32_t v4l2;
	uint32_t drm;
};
constexpr Alias kV4l2Aliases[] = {
	{V4L2_PIX_FMT_BGR32, DRM_FORMAT_XRGB8888}, /* 'BGR4': bytes B,G,R,(A|X) */
	{V4L2_PIX_FMT_RGB32, DRM_FORMAT_BGRX8888}, /* 'RGB4': bytes (A|X),R,G,B */
};

uint64_t divRoundUp(uint64_t n, uint64_t d)
{
	return (n + d - 1) / d;
}

} /* namespace */

uint32_t PixelFormatInfo::minLineBytes(unsigned plane, uint32_t width) const
{
	if (plane >= numPlanes)
		return 0;

	const PlaneInfo &p = planes[plane];
	uint64_t planeWidth = divRoundUp(width, p.hSub);
	uint64_t bytes = divRoundUp(planeWidth, p.blockWidth) * p.bytesPerBlock;
	if (bytes > std::numeric_limits<uint32_t>::max())
		return std::numeric_limits<uint32_t>::max();
	return static_cast<uint32_t>(bytes);
}

uint32_t PixelFormatInfo::planeHeight(unsigned plane, uint32_t height) const
{
	if (plane >= numPlanes)
		return 0;
	return static_cast<uint32_t>(divRoundUp(height, planes[plane].vSub));
}

const PixelFormatInfo *formatByV4l2(uint32_t fourcc)
{
	/* 0 marks "no such variant" in the table; it is never a format. */
	if (fourcc == 0)
		return nullptr;

	for (const PixelFormatInfo &info : kFormats) {
		if (info.v4l2 == fourcc || info.v4l2Mplane == fourcc)
			return &info;
	}
	for (const Alias &alias : kV4l2Aliases) {
		if (alias.v4l2 == fourcc)
			return formatByDrm(alias.drm);
	}
	return nullptr;
}

const PixelFormatInfo *formatByDrm(uint32_t fourcc)
{
	if (fourcc == 0)
		return nullptr;

	for (const PixelFormatInfo &info : kFormats) {
		if (info.drm == fourcc)
			return &info;
	}
	return nullptr;
}

const PixelFormatInfo *formatByName(std::string_view name)
{
	if (name.empty())
		return nullptr;

	for (const PixelFormatInfo &info : kFormats) {
		if (info.name == name)
			return &info;
	}

	/*
	 * A fourcc written as text. DRM codes may end in spaces ("R8  "), so
	 * shorter names are padded, as the fourcc_code() of drm_fourcc.h is.
	 */
	if (name.size() > 4)
		return nullptr;
	uint32_t fourcc = 0;
	for (size_t i = 0; i < 4; i++) {
		unsigned char c = i < name.size() ? static_cast<unsigned char>(name[i]) : ' ';
		fourcc |= static_cast<uint32_t>(c) << (8 * i);
	}
	if (const PixelFormatInfo *info = formatByV4l2(fourcc))
		return info;
	return formatByDrm(fourcc);
}

std::span<const PixelFormatInfo> allFormats()
{
	return kFormats;
}

std::string sizeText(uint32_t width, uint32_t height)
{
	return std::to_string(width) + "x" + std::to_string(height);
}

std::string fourccToString(uint32_t fourcc)
{
	/* Both APIs flag big-endian variants with bit 31 of the last character. */
	constexpr uint32_t kBigEndian = 1u << 31;
	uint32_t code = fourcc & ~kBigEndian;

	std::string text;
	bool printable = true;
	for (unsigned i = 0; i < 4; i++) {
		char c = static_cast<char>((code >> (8 * i)) & 0xff);
		if (c < 0x20 || c > 0x7e) {
			c = '?';
			printable = false;
		}
		text += c;
	}
	if (fourcc & kBigEndian)
		text += "-BE";
	if (!printable) {
		char hex[16];
		snprintf(hex, sizeof(hex), " (0x%08" PRIx32 ")", fourcc);
		text += hex;
	}
	return text;
}

} /* namespace primecam */
