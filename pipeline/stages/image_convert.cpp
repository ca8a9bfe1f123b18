/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/image_convert.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstddef>

#include <libdrm/drm_fourcc.h>
#include <libyuv.h>

namespace primecam {

namespace {

/*
 * libyuv names 32-bit formats like DRM does (components of a little-endian
 * word, most significant first), the 24-bit ones not:
 *
 *   bytes in memory   DRM                  libyuv
 *   B G R A           XRGB8888, ARGB8888   ARGB
 *   R G B A           XBGR8888, ABGR8888   ABGR
 *   A R G B           BGRX8888, BGRA8888   BGRA
 *   B G R             RGB888               RGB24
 *   R G B             BGR888               RAW
 *   RGB565 LE word    RGB565               RGB565
 *
 * Every libyuv YUV -> RGB function writes libyuv ARGB. libyuv's own
 * *ToABGR functions are the ARGB ones called with U and V swapped and the
 * "Yvu" constants, whose coefficients are mirrored so that the result's red
 * and blue trade places: the same trick gives ABGR for every YUV source here.
 */
struct Context {
	const libyuv::YuvConstants *yuv; /* chroma as stored -> libyuv ARGB */
	const libyuv::YuvConstants *yvu; /* chroma swapped -> libyuv ABGR */
	bool fullRange;
};

Context contextFor(YuvEncoding encoding)
{
	bool full = encoding.range == YuvRange::Full;
	switch (encoding.matrix) {
	case YuvMatrix::Bt709:
		if (full)
			return {&libyuv::kYuvF709Constants, &libyuv::kYvuF709Constants, true};
		return {&libyuv::kYuvH709Constants, &libyuv::kYvuH709Constants, false};
	case YuvMatrix::Bt2020:
		if (full)
			return {&libyuv::kYuvV2020Constants, &libyuv::kYvuV2020Constants, true};
		return {&libyuv::kYuv2020Constants, &libyuv::kYvu2020Constants, false};
	case YuvMatrix::Bt601:
		break;
	}
	/* libyuv calls BT.601 full range "JPEG" (JFIF uses it). */
	if (full)
		return {&libyuv::kYuvJPEGConstants, &libyuv::kYvuJPEGConstants, true};
	return {&libyuv::kYuvI601Constants, &libyuv::kYvuI601Constants, false};
}

/* libyuv takes int sizes and strides; convertImage() checked they fit. */
int w(const ImageView &v)
{
	return static_cast<int>(v.width);
}

int h(const ImageView &v)
{
	return static_cast<int>(v.height);
}

uint8_t *p(const ImageView &v, unsigned plane)
{
	return v.planes[plane].data;
}

int s(const ImageView &v, unsigned plane)
{
	return static_cast<int>(v.planes[plane].stride);
}

/* A line of a plane (the view's height counts luma lines: 4:2:2 only). */
uint8_t *line(const ImageView &v, unsigned plane, uint32_t row)
{
	return v.planes[plane].data + size_t{row} * v.planes[plane].stride;
}

using ConvertFn = int (*)(const ImageView &src, const ImageView &dst, const Context &ctx);

/*
 * Swaps R and B of a libyuv ARGB image in place: ARGB -> ABGR. Safe in place
 * because libyuv's shuffle loads each group of pixels before it stores the
 * same group (and its "Any" tail goes through a stack copy); the tests cover
 * both the SIMD body and the tail widths.
 */
int argbToAbgrInPlace(const ImageView &dst)
{
	return libyuv::ARGBToABGR(p(dst, 0), s(dst, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

/* Planar YUV: U and V are the plane indices of Cb and Cr (YVU orders swap them). */
template<unsigned U, unsigned V>
int i420ToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::I420ToARGBMatrix(p(src, 0), s(src, 0), p(src, U), s(src, U), p(src, V),
					s(src, V), p(dst, 0), s(dst, 0), ctx.yuv, w(dst), h(dst));
}

template<unsigned U, unsigned V>
int i420ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::I420ToARGBMatrix(p(src, 0), s(src, 0), p(src, V), s(src, V), p(src, U),
					s(src, U), p(dst, 0), s(dst, 0), ctx.yvu, w(dst), h(dst));
}

template<unsigned U, unsigned V>
int i420ToRgb565(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::I420ToRGB565Matrix(p(src, 0), s(src, 0), p(src, U), s(src, U), p(src, V),
					  s(src, V), p(dst, 0), s(dst, 0), ctx.yuv, w(dst), h(dst));
}

template<unsigned U, unsigned V>
int i422ToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::I422ToARGBMatrix(p(src, 0), s(src, 0), p(src, U), s(src, U), p(src, V),
					s(src, V), p(dst, 0), s(dst, 0), ctx.yuv, w(dst), h(dst));
}

template<unsigned U, unsigned V>
int i422ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::I422ToARGBMatrix(p(src, 0), s(src, 0), p(src, V), s(src, V), p(src, U),
					s(src, U), p(dst, 0), s(dst, 0), ctx.yvu, w(dst), h(dst));
}

template<unsigned U, unsigned V>
int i422ToRgb565(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::I422ToRGB565Matrix(p(src, 0), s(src, 0), p(src, U), s(src, U), p(src, V),
					  s(src, V), p(dst, 0), s(dst, 0), ctx.yuv, w(dst), h(dst));
}

int nv12ToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::NV12ToARGBMatrix(p(src, 0), s(src, 0), p(src, 1), s(src, 1), p(dst, 0),
					s(dst, 0), ctx.yuv, w(dst), h(dst));
}

int nv12ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::NV21ToARGBMatrix(p(src, 0), s(src, 0), p(src, 1), s(src, 1), p(dst, 0),
					s(dst, 0), ctx.yvu, w(dst), h(dst));
}

int nv12ToRgb565(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::NV12ToRGB565Matrix(p(src, 0), s(src, 0), p(src, 1), s(src, 1), p(dst, 0),
					  s(dst, 0), ctx.yuv, w(dst), h(dst));
}

int nv21ToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::NV21ToARGBMatrix(p(src, 0), s(src, 0), p(src, 1), s(src, 1), p(dst, 0),
					s(dst, 0), ctx.yuv, w(dst), h(dst));
}

int nv21ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return libyuv::NV12ToARGBMatrix(p(src, 0), s(src, 0), p(src, 1), s(src, 1), p(dst, 0),
					s(dst, 0), ctx.yvu, w(dst), h(dst));
}

/*
 * libyuv has no 4:2:2 semi-planar (NV16/NV61) functions. One line of NV16 is
 * one line of NV12 with a chroma line of its own, so one NV12 call per line,
 * with height 1, converts it in place of a missing function and without an
 * intermediate buffer. The per-call cost (a CPU feature lookup) is small
 * next to a line of pixels.
 */
template<auto Fn>
int perLine(const ImageView &src, const ImageView &dst, const libyuv::YuvConstants *constants)
{
	for (uint32_t row = 0; row < src.height; row++) {
		int ret = Fn(line(src, 0, row), s(src, 0), line(src, 1, row), s(src, 1),
			     line(dst, 0, row), s(dst, 0), constants, w(dst), 1);
		if (ret)
			return ret;
	}
	return 0;
}

int nv16ToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return perLine<libyuv::NV12ToARGBMatrix>(src, dst, ctx.yuv);
}

int nv16ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return perLine<libyuv::NV21ToARGBMatrix>(src, dst, ctx.yvu);
}

int nv16ToRgb565(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return perLine<libyuv::NV12ToRGB565Matrix>(src, dst, ctx.yuv);
}

int nv61ToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return perLine<libyuv::NV21ToARGBMatrix>(src, dst, ctx.yuv);
}

int nv61ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return perLine<libyuv::NV12ToARGBMatrix>(src, dst, ctx.yvu);
}

/*
 * Packed 4:2:2. libyuv 1857 has YUY2ToARGB and UYVYToARGB with BT.601
 * limited-range constants built in and no *Matrix variant (that came
 * later), hence the bt601LimitedOnly flag below. ABGR is a second pass
 * swapping R and B in the destination itself.
 */
int yuyvToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::YUY2ToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int yuyvToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	int ret = yuyvToArgb(src, dst, ctx);
	return ret ? ret : argbToAbgrInPlace(dst);
}

int uyvyToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::UYVYToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int uyvyToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	int ret = uyvyToArgb(src, dst, ctx);
	return ret ? ret : argbToAbgrInPlace(dst);
}

/*
 * R8 is V4L2's GREY: luma alone, limited range unless the encoding says
 * otherwise (V4L2_MAP_QUANTIZATION_DEFAULT for a non-RGB format). Grey has
 * R = G = B, so the ARGB result is also the ABGR one.
 */
int greyToArgb(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	if (ctx.fullRange)
		return libyuv::J400ToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst),
					  h(dst));
	return libyuv::I400ToARGBMatrix(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), ctx.yuv, w(dst),
					h(dst));
}

/* 24-bit RGB (see the table at the top for the names). */
int rgb24ToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::RGB24ToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int rawToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::RAWToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

/*
 * RGB24ToARGB moves bytes (0,1,2) to (0,1,2) and appends 0xff: reading RAW
 * (R,G,B) with it writes R,G,B,0xff, which is libyuv ABGR. And the other way
 * round for RAWToARGB. One call each, no swap pass.
 */
int rgb24ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return rawToArgb(src, dst, ctx);
}

int rawToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	return rgb24ToArgb(src, dst, ctx);
}

int rgb565ToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::RGB565ToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int rgb565ToAbgr(const ImageView &src, const ImageView &dst, const Context &ctx)
{
	int ret = rgb565ToArgb(src, dst, ctx);
	return ret ? ret : argbToAbgrInPlace(dst);
}

int rgb565Copy(const ImageView &src, const ImageView &dst, const Context &)
{
	libyuv::CopyPlane(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst) * 2, h(dst));
	return 0;
}

/* 32-bit RGB. */
int argbCopy(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::ARGBCopy(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int argbToAbgr(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::ARGBToABGR(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int argbToRgb565(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::ARGBToRGB565(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int abgrToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::ABGRToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

int bgraToArgb(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::BGRAToARGB(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), w(dst), h(dst));
}

/*
 * libyuv BGRA (bytes A,R,G,B) to ABGR (bytes R,G,B,A): libyuv has no named
 * function, ARGBShuffle takes the byte order as a pshufb mask of 4 pixels.
 * Aligned because SIMD versions may load it with an aligned load.
 */
alignas(16) constexpr uint8_t kShuffleBgraToAbgr[16] = {1, 2,  3,  0, 5,  6,  7,  4,
							9, 10, 11, 8, 13, 14, 15, 12};

int bgraToAbgr(const ImageView &src, const ImageView &dst, const Context &)
{
	return libyuv::ARGBShuffle(p(src, 0), s(src, 0), p(dst, 0), s(dst, 0), kShuffleBgraToAbgr,
				   w(dst), h(dst));
}

/*
 * One line of opaque alpha for makeOpaque(): libyuv has no "set alpha"
 * function, but ARGBCopyYToAlpha copies a plane into the fourth byte of
 * every pixel, and a stride of 0 makes this one line the whole plane.
 * (ARGBColorTable with an identity table but 0xff for the fourth byte does
 * the same in plain C, 19 times slower: 363 us against 19 at 640x480.)
 * Wider images go in strips of this width.
 */
constexpr uint32_t kOpaqueLine = 4096;
constexpr std::array<uint8_t, kOpaqueLine> kOpaque = [] {
	std::array<uint8_t, kOpaqueLine> line = {};
	line.fill(0xff);
	return line;
}();

/*
 * What each source converts to, one function per destination family:
 * libyuv ARGB (DRM XRGB8888/ARGB8888), libyuv ABGR (DRM XBGR8888/ABGR8888)
 * and RGB565. nullptr is an unsupported pair: libyuv has no function for
 * it, and a chain of two functions would need an intermediate buffer (the
 * destination is too small to hold 32-bit pixels), which convertImage() must
 * not allocate. That leaves out RGB565 from YUYV, UYVY, NV21, NV61, R8,
 * RGB888, BGR888, and the XBGR/ABGR/BGRX/BGRA families. YVYU, VYUY have no
 * entry at all: libyuv 1857 has no packed YUV function taking constants, so
 * their swapped chroma cannot be undone.
 */
struct Converter {
	uint32_t drm;
	ConvertFn toArgb;
	ConvertFn toAbgr;
	ConvertFn toRgb565;
	/* libyuv has this source in BT.601 limited range only. */
	bool bt601LimitedOnly;
};

constexpr Converter kConverters[] = {
	{DRM_FORMAT_YUYV, yuyvToArgb, yuyvToAbgr, nullptr, true},
	{DRM_FORMAT_UYVY, uyvyToArgb, uyvyToAbgr, nullptr, true},
	{DRM_FORMAT_NV12, nv12ToArgb, nv12ToAbgr, nv12ToRgb565, false},
	{DRM_FORMAT_NV21, nv21ToArgb, nv21ToAbgr, nullptr, false},
	{DRM_FORMAT_NV16, nv16ToArgb, nv16ToAbgr, nv16ToRgb565, false},
	{DRM_FORMAT_NV61, nv61ToArgb, nv61ToAbgr, nullptr, false},
	{DRM_FORMAT_YUV420, i420ToArgb<1, 2>, i420ToAbgr<1, 2>, i420ToRgb565<1, 2>, false},
	{DRM_FORMAT_YVU420, i420ToArgb<2, 1>, i420ToAbgr<2, 1>, i420ToRgb565<2, 1>, false},
	{DRM_FORMAT_YUV422, i422ToArgb<1, 2>, i422ToAbgr<1, 2>, i422ToRgb565<1, 2>, false},
	{DRM_FORMAT_YVU422, i422ToArgb<2, 1>, i422ToAbgr<2, 1>, i422ToRgb565<2, 1>, false},
	{DRM_FORMAT_R8, greyToArgb, greyToArgb, nullptr, false},
	{DRM_FORMAT_RGB888, rgb24ToArgb, rgb24ToAbgr, nullptr, false},
	{DRM_FORMAT_BGR888, rawToArgb, rawToAbgr, nullptr, false},
	{DRM_FORMAT_RGB565, rgb565ToArgb, rgb565ToAbgr, rgb565Copy, false},
	{DRM_FORMAT_XRGB8888, argbCopy, argbToAbgr, argbToRgb565, false},
	{DRM_FORMAT_ARGB8888, argbCopy, argbToAbgr, argbToRgb565, false},
	{DRM_FORMAT_XBGR8888, abgrToArgb, argbCopy, nullptr, false},
	{DRM_FORMAT_ABGR8888, abgrToArgb, argbCopy, nullptr, false},
	{DRM_FORMAT_BGRX8888, bgraToArgb, bgraToAbgr, nullptr, false},
	{DRM_FORMAT_BGRA8888, bgraToArgb, bgraToAbgr, nullptr, false},
};

const Converter *converterFor(const PixelFormatInfo &from)
{
	for (const Converter &converter : kConverters) {
		if (from.drm != 0 && converter.drm == from.drm)
			return &converter;
	}
	return nullptr;
}

ConvertFn convertFn(const PixelFormatInfo &from, const PixelFormatInfo &to, YuvEncoding encoding)
{
	const Converter *converter = converterFor(from);
	if (!converter)
		return nullptr;
	if (converter->bt601LimitedOnly &&
	    (encoding.matrix != YuvMatrix::Bt601 || encoding.range != YuvRange::Limited))
		return nullptr;

	switch (to.drm) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return converter->toArgb;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return converter->toAbgr;
	case DRM_FORMAT_RGB565:
		return converter->toRgb565;
	default:
		return nullptr;
	}
}

/* The 32-bit RGB formats, whose fourth byte libyuv copies rather than sets. */
bool isRgb32(const PixelFormatInfo &format)
{
	return !format.yuv && !format.bayer && format.numPlanes == 1 &&
	       format.planes[0].bytesPerBlock == 4 && format.planes[0].blockWidth == 1;
}

} /* namespace */

/*
 * libyuv counts bytes in int (and coalesces contiguous lines into one of
 * width * height pixels), so a plane must fit in INT_MAX bytes.
 */
bool validImageView(const ImageView &view)
{
	if (!view.format)
		return false;
	const PixelFormatInfo &format = *view.format;
	if (view.width == 0 || view.height == 0 || view.width > INT_MAX || view.height > INT_MAX)
		return false;

	for (unsigned i = 0; i < format.numPlanes; i++) {
		const PlaneView &plane = view.planes[i];
		if (!plane.data || plane.stride < format.minLineBytes(i, view.width))
			return false;
		uint64_t bytes = uint64_t{plane.stride} * format.planeHeight(i, view.height);
		if (bytes > INT_MAX)
			return false;
	}
	return true;
}

int makeOpaque(const ImageView &dst)
{
	for (uint32_t x = 0; x < dst.width; x += kOpaqueLine) {
		int width = static_cast<int>(std::min(kOpaqueLine, dst.width - x));
		int ret = libyuv::ARGBCopyYToAlpha(kOpaque.data(), 0, p(dst, 0) + size_t{x} * 4,
						   s(dst, 0), width, h(dst));
		if (ret != 0)
			return ret;
	}
	return 0;
}

std::span<const PixelFormatInfo *const> conversionTargets()
{
	static const std::array<const PixelFormatInfo *, 5> targets = {
		formatByDrm(DRM_FORMAT_XRGB8888), formatByDrm(DRM_FORMAT_ARGB8888),
		formatByDrm(DRM_FORMAT_XBGR8888), formatByDrm(DRM_FORMAT_ABGR8888),
		formatByDrm(DRM_FORMAT_RGB565),
	};
	return targets;
}

bool canConvert(const PixelFormatInfo &from, const PixelFormatInfo &to, YuvEncoding encoding)
{
	return convertFn(from, to, encoding) != nullptr;
}

int convertImage(const ImageView &src, const ImageView &dst, YuvEncoding encoding)
{
	if (!src.format || !dst.format)
		return -EINVAL;

	ConvertFn convert = convertFn(*src.format, *dst.format, encoding);
	if (!convert)
		return -ENOTSUP;

	if (src.width != dst.width || src.height != dst.height || !validImageView(src) ||
	    !validImageView(dst))
		return -EINVAL;

	/* libyuv returns -1 only for arguments checked above. */
	if (convert(src, dst, contextFor(encoding)) != 0)
		return -EINVAL;

	/*
	 * A 32-bit source's fourth byte is garbage in an X format: it must not
	 * become alpha, and an X destination gets 0xff like every other
	 * conversion writes, so that snapshots and checksums of the result are
	 * deterministic.
	 */
	if (isRgb32(*src.format) && isRgb32(*dst.format) &&
	    !(src.format->alpha && dst.format->alpha)) {
		if (makeOpaque(dst) != 0)
			return -EINVAL;
	}
	return 0;
}

} /* namespace primecam */
