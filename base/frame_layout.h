/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Where each colour plane of a frame lives, derived from what the kernel
 * returned from VIDIOC_G_FMT / S_FMT / TRY_FMT: bytesperline, sizeimage, and
 * whether the multi-planar API and a non-contiguous ('M') fourcc were used.
 *
 * Strides are never recomputed from the width: drivers pad lines for DMA
 * alignment (bytesperline > width * bytes per pixel), and a consumer that
 * assumes the minimal stride shears the picture or reads past the buffer.
 *
 * Not part of this layout: v4l2_plane.data_offset. It is per buffer and per
 * dequeue (VIDIOC_DQBUF fills it in), so the frame that carries the buffer
 * adds it to the plane offsets at DQBUF time.
 */

#include <array>
#include <cstdint>

#include <linux/videodev2.h>

#include "base/pixel_format.h"
#include "base/result.h"
#include "base/yuv_encoding.h"

namespace primecam {

/* One entry of v4l2_pix_format(_mplane): the kernel's numbers, unchanged. */
struct MemoryPlaneFormat {
	uint32_t bytesperline;
	uint32_t sizeimage;
};

/* What G_FMT/S_FMT/TRY_FMT returned, for either API. */
struct KernelFormat {
	uint32_t fourcc;
	uint32_t width;
	uint32_t height;
	bool mplane;		  /* the _MPLANE API was used */
	uint32_t numMemoryPlanes; /* 1 for the single-planar API; pix_mp.num_planes otherwise */
	std::array<MemoryPlaneFormat, VIDEO_MAX_PLANES> memoryPlanes;
	/* Colorimetry: enum v4l2_colorspace, v4l2_ycbcr_encoding and
	 * v4l2_quantization, each possibly 0 ("the default"). */
	uint32_t colorspace;
	uint32_t ycbcrEnc;
	uint32_t quantization;
};

/*
 * Reads a v4l2_format of type VIDEO_CAPTURE(_MPLANE) or VIDEO_OUTPUT(_MPLANE).
 * Any other type (overlay, VBI, meta, ...) has no pixel planes: the result has
 * fourcc 0 and numMemoryPlanes 0, which layoutFromKernel() rejects.
 */
KernelFormat kernelFormatFrom(const v4l2_format &fmt);

/* A colour plane: which buffer (memory plane) holds it, and where. */
struct ColourPlane {
	uint32_t memoryPlane; /* index into the buffer's planes (v4l2_buffer.m.planes) */
	uint32_t offset;      /* bytes from the start of that memory plane */
	uint32_t stride;      /* bytes from one line to the next, padding included */
	uint32_t length;      /* stride * rows of this plane */
};

struct FrameLayout {
	const PixelFormatInfo *format;
	uint32_t width;
	uint32_t height;
	uint32_t numMemoryPlanes; /* buffer planes: 1, or one per colour plane ('M' fourccs) */
	/*
	 * Bytes each buffer plane must hold: the kernel's sizeimage. Drivers
	 * size their vb2 queues from it, and VIDIOC_QBUF rejects an imported
	 * dma-buf smaller than that.
	 */
	std::array<uint32_t, 3> memoryPlaneSizes;
	uint32_t numColourPlanes;
	std::array<ColourPlane, 3> planes;
	/* YUV formats: the kernel's colorimetry, defaults resolved. */
	YuvEncoding encoding;
};

/*
 * Splits the kernel's format into colour planes, checking that the driver's
 * numbers are consistent: every stride holds a line of the image and every
 * plane fits in its buffer's sizeimage; and, for YUV, reads the colorimetry.
 * Errors: ENOTSUP for a fourcc not in the pixel format table or a Y'CbCr
 * encoding primecam cannot convert (SMPTE 240M, BT.2020 constant luminance),
 * EINVAL for an inconsistent format; the message names the fourcc and the
 * numbers.
 */
Result<FrameLayout> layoutFromKernel(const KernelFormat &kf);

} /* namespace primecam */
