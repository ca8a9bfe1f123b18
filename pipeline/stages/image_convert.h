/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Pixel format conversion for CPU stages, on libyuv: the step that turns what
 * a camera produces (YUYV, NV12, 24-bit RGB, ...) into what a KMS plane or a
 * GL texture takes when the display cannot scan out the camera's format
 * (vkms 6.1 scans out no YUV at all). This is a copy by nature: callers count
 * it as one.
 */

#include <span>

#include "base/pixel_format.h"
#include "base/yuv_encoding.h"
#include "pipeline/stages/image_view.h"

namespace primecam {

/*
 * The formats convertImage() can write: XRGB8888, ARGB8888, XBGR8888,
 * ABGR8888, RGB565 (what KMS planes and GL take).
 */
std::span<const PixelFormatInfo *const> conversionTargets();

/*
 * Whether convertImage(from -> to) is implemented for `encoding` (which only
 * matters for YUV sources: libyuv 1857 converts packed YUYV/UYVY in BT.601
 * limited range only; the rest in BT.601, BT.709 and BT.2020, limited or
 * full).
 */
bool canConvert(const PixelFormatInfo &from, const PixelFormatInfo &to, YuvEncoding encoding = {});

/*
 * Converts src into dst, which must have the same width and height. YUV and
 * R8 (grey, read as luma) sources are read with `encoding`; RGB sources
 * ignore it. The alpha (or X) byte of a 32-bit destination is 0xff, unless
 * both formats carry alpha: then it is copied. Only the pixels of each line
 * are written, never the padding up to the stride. Never allocates.
 *
 * Accuracy is libyuv's: within 2 levels of the standard's float formulas,
 * except blue from limited-range YUV, which libyuv 1857 computes with a Cb
 * gain capped at 2.0 (its SIMD coefficients are signed bytes in 1/64ths):
 * short by up to 2 levels for BT.601, 13 for BT.709 and 16 for BT.2020 at
 * the most saturated chroma; and BT.2020's green, up to 2.5 levels off
 * (tests/pipeline/test_image_convert.cpp measures both).
 *
 * Returns 0, -EINVAL (no format, size mismatch or empty image, a null plane,
 * a stride shorter than a line), or -ENOTSUP (the pair is not supported:
 * canConvert() is false).
 */
int convertImage(const ImageView &src, const ImageView &dst, YuvEncoding encoding = {});

/*
 * Whether libyuv can take view as an image of its format: a format, a
 * non-empty size, every plane present with a stride of at least a line, and
 * each plane within INT_MAX bytes.
 */
bool validImageView(const ImageView &view);

/*
 * Sets the fourth byte of every pixel of a 32-bit view (the X or alpha of
 * XRGB8888, ARGB8888, XBGR8888, ABGR8888) to 0xff, in place, leaving the
 * padding alone. Returns libyuv's status (0).
 */
int makeOpaque(const ImageView &rgb32);

} /* namespace primecam */
