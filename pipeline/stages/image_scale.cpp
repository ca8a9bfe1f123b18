/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/image_scale.h"

#include <cerrno>
#include <cstddef>

#include <libdrm/drm_fourcc.h>
#include <libyuv.h>

#include "pipeline/stages/image_convert.h"

namespace primecam {

namespace {

/*
 * Bilinear: each output pixel from the 2x2 source pixels around where it
 * falls, smooth where nearest-neighbour would repeat pixels in blocks. The
 * stage's use is bringing a small camera frame up to a display mode, and
 * libyuv's box filter is bilinear there: it turns box into bilinear unless
 * both axes shrink below half (ScaleFilterReduce). Only there do the two
 * differ: box averages every source pixel an output pixel covers, bilinear
 * still reads 2x2 and aliases fine detail. The choice keeps one filter
 * behind every result, the one the tests' reference models; it is not for
 * speed: stage-bench measured box no slower than bilinear when shrinking to
 * 2/5 (1.1 to 1.4 against 1.4 to 1.8 times a memcpy of the source, three
 * sizes, two runs), so a pipeline that shrinks that far is better served by
 * capturing smaller, or by box.
 */
constexpr libyuv::FilterMode kFilter = libyuv::kFilterBilinear;

/* The byte order of a 32-bit target: libyuv ARGB (B,G,R,A) or ABGR (R,G,B,A). */
enum class Layout {
	None, /* not 32-bit: RGB565 */
	Argb,
	Abgr,
};

Layout layoutOf(const PixelFormatInfo &format)
{
	switch (format.drm) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return Layout::Argb;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return Layout::Abgr;
	default:
		return Layout::None;
	}
}

/*
 * The passes over the pixels, fewest first:
 *   Convert: the same size, a conversion alone.
 *   Scale: a 32-bit source in the destination's byte order, scaled
 *     straight into it (ARGBScale moves the four bytes alike).
 *   ConvertScale: the source converted into the destination's 32-bit
 *     format at the source's size, then scaled into the destination.
 *   ConvertScaleConvert: a destination that is not 32-bit (RGB565): into
 *     XRGB8888, scaled into XRGB8888 at the destination's size, converted.
 * Converting before scaling (rather than after) keeps YUV out of the scaler,
 * whose chroma planes would need scaling of their own.
 */
enum class Plan {
	Convert,
	Scale,
	ConvertScale,
	ConvertScaleConvert,
};

Plan planFor(const ImageView &src, const ImageView &dst, YuvEncoding encoding)
{
	const Layout to = layoutOf(*dst.format);
	const bool sameSize = src.width == dst.width && src.height == dst.height;
	if (sameSize && canConvert(*src.format, *dst.format, encoding))
		return Plan::Convert;
	if (to == Layout::None)
		return Plan::ConvertScaleConvert;
	return layoutOf(*src.format) == to ? Plan::Scale : Plan::ConvertScale;
}

const PixelFormatInfo &xrgb8888()
{
	static const PixelFormatInfo &format = *formatByDrm(DRM_FORMAT_XRGB8888);
	return format;
}

/* A tightly packed 32-bit image of format in memory. */
ImageView packed(const PixelFormatInfo &format, uint32_t width, uint32_t height,
		 std::vector<uint8_t> &memory)
{
	ImageView view;
	view.format = &format;
	view.width = width;
	view.height = height;
	view.planes[0] = {memory.data(), width * 4};
	return view;
}

size_t packedBytes(uint32_t width, uint32_t height)
{
	return size_t{width} * height * 4;
}

/*
 * Scales one 32-bit image into another of the same byte order. libyuv
 * takes int sizes and strides; validImageView() checked they fit.
 * ARGBScale filters the fourth byte like the others, and its blend loses up
 * to 1/128 of a value: an X byte of 0xff comes out 0xfd. As convertImage()
 * does, the X byte of the result is set to 0xff (and never taken for
 * alpha) unless both formats carry alpha.
 */
int scale32(const ImageView &src, const ImageView &dst, bool keepAlpha)
{
	if (libyuv::ARGBScale(src.planes[0].data, static_cast<int>(src.planes[0].stride),
			      static_cast<int>(src.width), static_cast<int>(src.height),
			      dst.planes[0].data, static_cast<int>(dst.planes[0].stride),
			      static_cast<int>(dst.width), static_cast<int>(dst.height),
			      kFilter) != 0)
		return -EINVAL;
	if (!keepAlpha && makeOpaque(dst) != 0)
		return -EINVAL;
	return 0;
}

} /* namespace */

void ScaleScratch::reserve(const ImageView &src, const ImageView &dst, YuvEncoding encoding)
{
	if (!src.format || !dst.format)
		return;
	const Plan plan = planFor(src, dst, encoding);
	if (plan == Plan::ConvertScale || plan == Plan::ConvertScaleConvert)
		input_.resize(packedBytes(src.width, src.height));
	if (plan == Plan::ConvertScaleConvert)
		output_.resize(packedBytes(dst.width, dst.height));
}

bool canScale(const PixelFormatInfo &from, const PixelFormatInfo &to, YuvEncoding encoding)
{
	/* Every pass reads the source with convertImage(), or is a copy of
	 * what convertImage() would read the same way. */
	if (layoutOf(to) == Layout::None)
		return to.drm == DRM_FORMAT_RGB565 && canConvert(from, xrgb8888(), encoding);
	return canConvert(from, to, encoding);
}

int scaleImage(const ImageView &src, const ImageView &dst, YuvEncoding encoding,
	       ScaleScratch &scratch)
{
	if (!src.format || !dst.format)
		return -EINVAL;
	if (!canScale(*src.format, *dst.format, encoding))
		return -ENOTSUP;
	if (!validImageView(src) || !validImageView(dst))
		return -EINVAL;

	const bool keepAlpha = src.format->alpha && dst.format->alpha;
	switch (planFor(src, dst, encoding)) {
	case Plan::Convert:
		return convertImage(src, dst, encoding);
	case Plan::Scale:
		return scale32(src, dst, keepAlpha);
	case Plan::ConvertScale: {
		if (scratch.input_.size() < packedBytes(src.width, src.height))
			return -EINVAL;
		ImageView wide = packed(*dst.format, src.width, src.height, scratch.input_);
		int ret = convertImage(src, wide, encoding);
		if (ret < 0)
			return ret;
		return scale32(wide, dst, keepAlpha);
	}
	case Plan::ConvertScaleConvert: {
		if (scratch.input_.size() < packedBytes(src.width, src.height) ||
		    scratch.output_.size() < packedBytes(dst.width, dst.height))
			return -EINVAL;
		ImageView wide = packed(xrgb8888(), src.width, src.height, scratch.input_);
		ImageView scaled = packed(xrgb8888(), dst.width, dst.height, scratch.output_);
		int ret = convertImage(src, wide, encoding);
		if (ret < 0)
			return ret;
		/* RGB565 has no alpha to keep. */
		ret = scale32(wide, scaled, false);
		return ret < 0 ? ret : convertImage(scaled, dst);
	}
	}
	return -EINVAL;
}

} /* namespace primecam */
