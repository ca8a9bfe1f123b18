/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Scaling for CPU stages, on libyuv: the fallback when neither the display's
 * plane (vkms's cannot scale) nor a V4L2 mem2mem device can bring a frame to
 * the size the sink needs. libyuv scales 32-bit pixels (ARGBScale, which
 * treats the four bytes alike), so other formats go through a 32-bit image
 * in memory owned by a ScaleScratch, sized once before streaming.
 */

#include <cstdint>
#include <vector>

#include "base/pixel_format.h"
#include "base/yuv_encoding.h"
#include "pipeline/stages/image_view.h"

namespace primecam {

/*
 * The intermediate images scaleImage() needs for one pair of formats and
 * sizes: reserve() allocates them (at configure time), scaleImage() only
 * uses them, so that no frame allocates.
 */
class ScaleScratch
{
public:
	/* Makes room for scaleImage(src, dst, encoding): only the views'
	 * formats and sizes count, their planes are not read. */
	void reserve(const ImageView &src, const ImageView &dst, YuvEncoding encoding = {});

private:
	friend int scaleImage(const ImageView &src, const ImageView &dst, YuvEncoding encoding,
			      ScaleScratch &scratch);

	/* The source converted to 32 bits, at the source's size. */
	std::vector<uint8_t> input_;
	/* The scaled 32-bit image, at the destination's size, when the
	 * destination is not 32-bit itself (RGB565). */
	std::vector<uint8_t> output_;
};

/*
 * Whether scaleImage(from -> to) is implemented for `encoding`: `to` is one
 * of conversionTargets() and convertImage() reads `from` into 32 bits.
 */
bool canScale(const PixelFormatInfo &from, const PixelFormatInfo &to, YuvEncoding encoding = {});

/*
 * Scales src into dst (any two sizes; the same size is a conversion), with
 * bilinear filtering, converting the format as convertImage() does (YUV read
 * with `encoding`, the X byte of a 32-bit destination 0xff unless both
 * formats carry alpha). Only the pixels of each line are written, never the
 * padding up to the stride.
 *
 * Accuracy is libyuv's fixed point: sampling points on a grid of 1/128
 * pixel, and a horizontal blend weighing by 127/128, so a sample may be up
 * to 1/128 of its value plus 2 levels darker than exact bilinear (255 comes
 * out 253) and a level brighter, give or take 1/128 of the spread of the
 * pixels it blends (tests/pipeline/test_image_scale.cpp measures it).
 *
 * Allocates no image: scratch must have been reserve()d for these formats
 * and sizes. (libyuv's bilinear scalers malloc and free a row or two of the
 * output inside each call, a few KiB that malloc's free list serves again
 * from the second frame on: no system call, and nothing an application can
 * hand them instead.)
 *
 * Returns 0, -EINVAL (no format, an empty image, a null plane, a stride
 * shorter than a line, scratch too small), or -ENOTSUP (canScale() is
 * false).
 */
int scaleImage(const ImageView &src, const ImageView &dst, YuvEncoding encoding,
	       ScaleScratch &scratch);

} /* namespace primecam */
