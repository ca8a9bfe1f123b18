/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The pixel formats primecam handles, one row per memory layout, with the V4L2
 * and DRM fourccs that name that layout.
 *
 * V4L2 and DRM name the same bytes differently: V4L2 names RGB formats by the
 * order of the bytes in memory, DRM by the order of the components in a
 * little-endian word, most significant first. So V4L2_PIX_FMT_RGB24 (bytes
 * R,G,B) is DRM_FORMAT_BGR888, and V4L2_PIX_FMT_XBGR32 (bytes B,G,R,X) is
 * DRM_FORMAT_XRGB8888 (both have the fourcc 'XR24'). Always go through this
 * table; never match format names across the two APIs.
 *
 * This header deliberately includes neither <linux/videodev2.h> nor
 * <drm_fourcc.h>: fourccs are plain uint32_t here.
 */

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace primecam {

/* The memory layout of one colour plane. */
struct PlaneInfo {
	uint8_t bytesPerBlock; /* bytes of one block of pixels */
	uint8_t blockWidth;    /* pixels in one block: 2 for packed YUYV (4 bytes per 2 pixels) */
	uint8_t hSub;	       /* horizontal subsampling relative to luma (1 for plane 0) */
	uint8_t vSub;	       /* vertical subsampling relative to luma (1 for plane 0) */
};

struct PixelFormatInfo {
	std::string_view name; /* DRM naming: "XRGB8888", "NV12", "YUYV"; Bayer: "SBGGR8" */
	uint32_t drm;	       /* DRM_FORMAT_*, 0 when DRM has none (Bayer) */
	uint32_t v4l2;	       /* V4L2 single-buffer (contiguous) fourcc, 0 if none */
	uint32_t v4l2Mplane;   /* V4L2 one-buffer-per-colour-plane fourcc (NV12M), 0 if none */
	uint8_t numPlanes;     /* colour planes */
	std::array<PlaneInfo, 3> planes;
	bool yuv;
	bool bayer;
	bool alpha;

	/*
	 * The minimum bytes of one line of `plane` for an image `width` luma
	 * pixels wide. Subsampled and block widths round UP: an odd-width
	 * 4:2:0 image still has a chroma sample for its last column.
	 * Saturates at UINT32_MAX, which no real line can need (its frame
	 * would not fit a 32-bit sizeimage); 0 for a plane the format lacks.
	 */
	uint32_t minLineBytes(unsigned plane, uint32_t width) const;
	/* Rows of `plane` for an image `height` luma rows high, rounding up. */
	uint32_t planeHeight(unsigned plane, uint32_t height) const;
};

/*
 * Lookup by V4L2 fourcc: matches v4l2, v4l2Mplane and the deprecated aliases
 * V4L2_PIX_FMT_BGR32 ('BGR4', = XRGB8888) and V4L2_PIX_FMT_RGB32 ('RGB4',
 * = BGRX8888). nullptr when unknown (and always for 0).
 */
const PixelFormatInfo *formatByV4l2(uint32_t fourcc);
/* Lookup by DRM fourcc; nullptr when unknown (and always for 0). */
const PixelFormatInfo *formatByDrm(uint32_t fourcc);
/*
 * Lookup by a name from a config file or the command line: the DRM name
 * ("XRGB8888", "R8"), or a 4-character V4L2 fourcc ("XR24", "YUYV", "BA81",
 * "NM12", "BGR4") or DRM fourcc ("RG24", "YU16"). Case-sensitive, as fourccs
 * are. nullptr when unknown.
 */
const PixelFormatInfo *formatByName(std::string_view name);
/* Every row of the table. */
std::span<const PixelFormatInfo> allFormats();

/*
 * "XR24". Bit 31 is the big-endian flag in both APIs (v4l2_fourcc_be(),
 * DRM_FORMAT_BIG_ENDIAN): it is stripped from the last character and noted as
 * a "-BE" suffix ("AR15-BE"). Non-printable bytes print as '?', and then the
 * number follows so that the message stays useful: "???? (0x00000000)".
 */
std::string fourccToString(uint32_t fourcc);

/* "640x480", for messages. */
std::string sizeText(uint32_t width, uint32_t height);

} /* namespace primecam */
