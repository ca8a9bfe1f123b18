/* SPDX-License-Identifier: MIT */
/*
 * scaleImage() against a bilinear reference written here: each output pixel
 * from the four source pixels around the point it samples, in doubles. The
 * points are libyuv's (scale_common.cc, ScaleSlope): scaling down, output
 * pixel centres map onto source centres, x' = (x + 0.5) * src / dst - 0.5;
 * scaling up, the first and last output pixels land on the first and last
 * source pixels, x' = x * (src - 1) / (dst - 1). Sources with YUV or 16-bit
 * pixels are read through convertImage() at their own size (its accuracy is
 * test_image_convert.cpp's), so the reference scales what convertImage()
 * makes of them. Images are padded: every stride is longer than a line, the
 * source's padding holds values that would show if read, the destination's
 * a sentinel that must come out untouched.
 */
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/pixel_format.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/image_scale.h"

using namespace primecam;

namespace {

constexpr uint8_t kSentinel = 0xa5;

/*
 * How far libyuv's fixed point may land from the reference, for a sample
 * whose four source pixels span `spread` levels (max - min) around `ref`:
 * - its sampling points step in 16.16 fixed point, the step truncated, so
 *   output pixel d lands up to (d + 1) / 65536 pixel short; and the blend
 *   takes the fraction in 1/128ths across (1/256ths down). A point `off`
 *   pixels away (pointOffset()) moves the sample by up to spread * off;
 * - its horizontal blend weighs the two pixels (127 - f) and f, over 128
 *   (ScaleARGBFilterCols: a SIMD multiply of signed bytes), which loses up
 *   to ref / 128: 255 comes out 253 even where no blending is needed;
 * - the blend truncates, and the vertical one rounds: a level each.
 * So a sample may be ref / 128 + spread * off + 2 below the reference and
 * spread * off + 1 above it. A sampling point off by even a quarter pixel
 * is off by a quarter of the spread, tens of levels on the noise below.
 */
bool withinFixedPoint(double got, double ref, double spread, double off)
{
	return got >= ref - ref / 128 - spread * off - 2 && got <= ref + spread * off + 1;
}

/* How far libyuv's sampling point for output pixel (x, y) may be from the
 * exact one, in source pixels, across and down added (see above). */
double pointOffset(uint32_t x, uint32_t y)
{
	return 1.0 / 128 + (x + 1) / 65536.0 + 1.0 / 256 + (y + 1) / 65536.0;
}

const PixelFormatInfo &fmt(const char *name)
{
	const PixelFormatInfo *info = formatByName(name);
	EXPECT_NE(info, nullptr) << name;
	return *info;
}

/* xorshift32: the same pixels on every run. */
class Rng
{
public:
	explicit Rng(uint32_t seed) : state_(seed ? seed : 1) {}
	uint8_t byte()
	{
		state_ ^= state_ << 13;
		state_ ^= state_ >> 17;
		state_ ^= state_ << 5;
		return static_cast<uint8_t>(state_ >> 24);
	}

private:
	uint32_t state_;
};

/* An image in heap memory; each plane's stride is its line plus `pad` bytes. */
struct TestImage {
	const PixelFormatInfo *format;
	uint32_t width;
	uint32_t height;
	std::array<std::vector<uint8_t>, 3> planes;
	std::array<uint32_t, 3> strides = {};

	TestImage(const PixelFormatInfo &f, uint32_t w, uint32_t h, uint32_t pad = 12)
		: format(&f), width(w), height(h)
	{
		for (unsigned i = 0; i < f.numPlanes; i++) {
			strides[i] = f.minLineBytes(i, w) + pad + 2 * i;
			planes[i].assign(size_t{strides[i]} * f.planeHeight(i, h), kSentinel);
		}
	}

	uint32_t line(unsigned plane) const { return format->minLineBytes(plane, width); }

	/* Every pixel byte from rng; the padding becomes `padding`. */
	void fill(Rng &rng, uint8_t padding)
	{
		for (unsigned i = 0; i < format->numPlanes; i++)
			for (size_t off = 0; off < planes[i].size(); off++)
				planes[i][off] = off % strides[i] < line(i) ? rng.byte() : padding;
	}

	ImageView view()
	{
		ImageView v;
		v.format = format;
		v.width = width;
		v.height = height;
		for (unsigned i = 0; i < format->numPlanes; i++)
			v.planes[i] = {planes[i].data(), strides[i]};
		return v;
	}

	uint8_t *at(unsigned plane, uint32_t x, uint32_t y)
	{
		return planes[plane].data() + size_t{y} * strides[plane] + x;
	}

	bool paddingIntact() const
	{
		for (unsigned i = 0; i < format->numPlanes; i++)
			for (size_t off = 0; off < planes[i].size(); off++)
				if (off % strides[i] >= line(i) && planes[i][off] != kSentinel)
					return false;
		return true;
	}
};

/* A pixel as R, G, B, A doubles. */
struct Rgba {
	double c[4];
};

/* A reference sample, and how far apart the source pixels it blends are. */
struct Sample {
	Rgba value;
	Rgba spread;
};

/*
 * The source as 8-bit RGBA, the way the scaler sees it: 32-bit formats by
 * their bytes (XRGB/ARGB are B,G,R,A; XBGR/ABGR R,G,B,A), anything else
 * through convertImage() into ABGR8888 at the source's size.
 */
std::vector<Rgba> rgbaOf(TestImage &src, YuvEncoding encoding = {})
{
	std::string_view name = src.format->name;
	std::vector<Rgba> out(size_t{src.width} * src.height);
	const bool bgr = name == "XRGB8888" || name == "ARGB8888";
	const bool rgb = name == "XBGR8888" || name == "ABGR8888";
	std::vector<uint8_t> converted;
	ImageView view = src.view();
	if (!bgr && !rgb) {
		converted.resize(size_t{src.width} * src.height * 4);
		ImageView abgr{&fmt("ABGR8888"), src.width, src.height, {}};
		abgr.planes[0] = {converted.data(), src.width * 4};
		EXPECT_EQ(convertImage(view, abgr, encoding), 0);
		view = abgr;
	}
	for (uint32_t y = 0; y < src.height; y++) {
		for (uint32_t x = 0; x < src.width; x++) {
			const uint8_t *px = view.planes[0].data +
					    size_t{y} * view.planes[0].stride + size_t{x} * 4;
			Rgba &p = out[size_t{y} * src.width + x];
			p.c[0] = bgr ? px[2] : px[0];
			p.c[1] = px[1];
			p.c[2] = bgr ? px[0] : px[2];
			p.c[3] = px[3];
		}
	}
	return out;
}

/* Where output pixel d samples the source, along one axis (see the top). */
double sourcePosition(uint32_t d, uint32_t srcSize, uint32_t dstSize)
{
	if (dstSize <= srcSize)
		return (d + 0.5) * srcSize / dstSize - 0.5;
	if (srcSize == 1 || dstSize == 1)
		return 0;
	return d * double(srcSize - 1) / (dstSize - 1);
}

/* The reference: pixels bilinearly sampled from the RGBA source. */
std::vector<Sample> bilinear(const std::vector<Rgba> &src, uint32_t sw, uint32_t sh, uint32_t dw,
			     uint32_t dh)
{
	std::vector<Sample> out(size_t{dw} * dh);
	for (uint32_t y = 0; y < dh; y++) {
		double fy = std::clamp(sourcePosition(y, sh, dh), 0.0, double(sh - 1));
		uint32_t y0 = static_cast<uint32_t>(fy);
		uint32_t y1 = std::min(y0 + 1, sh - 1);
		double wy = fy - y0;
		for (uint32_t x = 0; x < dw; x++) {
			double fx = std::clamp(sourcePosition(x, sw, dw), 0.0, double(sw - 1));
			uint32_t x0 = static_cast<uint32_t>(fx);
			uint32_t x1 = std::min(x0 + 1, sw - 1);
			double wx = fx - x0;
			auto px = [&](uint32_t xx, uint32_t yy) {
				return src[size_t{yy} * sw + xx];
			};
			Sample &o = out[size_t{y} * dw + x];
			for (int c = 0; c < 4; c++) {
				double taps[4] = {px(x0, y0).c[c], px(x1, y0).c[c], px(x0, y1).c[c],
						  px(x1, y1).c[c]};
				double top = taps[0] * (1 - wx) + taps[1] * wx;
				double bottom = taps[2] * (1 - wx) + taps[3] * wx;
				o.value.c[c] = top * (1 - wy) + bottom * wy;
				o.spread.c[c] = *std::max_element(taps, taps + 4) -
						*std::min_element(taps, taps + 4);
			}
		}
	}
	return out;
}

/* A destination pixel in its own units (RGB565's 5, 6, 5 bits). */
std::array<int, 4> written(TestImage &dst, uint32_t x, uint32_t y)
{
	std::string_view name = dst.format->name;
	if (name == "RGB565") {
		const uint8_t *px = dst.at(0, x * 2, y);
		unsigned word = px[0] | px[1] << 8;
		return {int(word >> 11), int((word >> 5) & 0x3f), int(word & 0x1f), 255};
	}
	const uint8_t *px = dst.at(0, x * 4, y);
	if (name == "XRGB8888" || name == "ARGB8888")
		return {px[2], px[1], px[0], px[3]};
	return {px[0], px[1], px[2], px[3]};
}

/* A written n-bit channel truncates an 8-bit value v (v >> (8 - n)): some
 * v it may come from must be within libyuv's reach of the reference. */
bool matches(int value, double ref, double spread, double off, int bits)
{
	int shift = 8 - bits;
	for (int v = value << shift; v < (value + 1) << shift; v++)
		if (withinFixedPoint(v, ref, spread, off))
			return true;
	return false;
}

/*
 * Scales src (random pixels, padded) to dst's size and format, and checks
 * every pixel against the reference, the X byte, both paddings and the
 * source. Returns the number of pixels that differ.
 */
int checkScale(const char *from, uint32_t sw, uint32_t sh, const char *to, uint32_t dw, uint32_t dh,
	       YuvEncoding encoding = {}, uint32_t seed = 1)
{
	SCOPED_TRACE(std::string(from) + " " + std::to_string(sw) + "x" + std::to_string(sh) +
		     " -> " + to + " " + std::to_string(dw) + "x" + std::to_string(dh));
	Rng rng(seed * 2654435761u);
	TestImage src(fmt(from), sw, sh);
	/* Padding that would show: white next to the random pixels. */
	src.fill(rng, 0xff);
	TestImage dst(fmt(to), dw, dh);
	std::array<std::vector<uint8_t>, 3> srcBefore = src.planes;

	ScaleScratch scratch;
	scratch.reserve(src.view(), dst.view(), encoding);
	EXPECT_TRUE(canScale(*src.format, *dst.format, encoding));
	EXPECT_EQ(scaleImage(src.view(), dst.view(), encoding, scratch), 0);
	EXPECT_TRUE(dst.paddingIntact()) << "a padding byte was written";
	EXPECT_EQ(src.planes, srcBefore) << "the source was written";

	std::vector<Sample> ref = bilinear(rgbaOf(src, encoding), sw, sh, dw, dh);
	const bool rgb565 = dst.format->name == "RGB565";
	const int bits[3] = {rgb565 ? 5 : 8, rgb565 ? 6 : 8, rgb565 ? 5 : 8};
	const bool keepsAlpha = src.format->alpha && dst.format->alpha;
	int failures = 0;
	for (uint32_t y = 0; y < dh; y++) {
		for (uint32_t x = 0; x < dw; x++) {
			const Rgba &r = ref[size_t{y} * dw + x].value;
			const Rgba &spread = ref[size_t{y} * dw + x].spread;
			const double off = pointOffset(x, y);
			std::array<int, 4> got = written(dst, x, y);
			bool ok = true;
			for (int c = 0; c < 3; c++)
				ok = ok && matches(got[c], r.c[c], spread.c[c], off, bits[c]);
			ok = ok && (keepsAlpha ? withinFixedPoint(got[3], r.c[3], spread.c[3], off)
					       : got[3] == 255);
			if (!ok && ++failures <= 5)
				ADD_FAILURE() << "pixel (" << x << "," << y << "): wrote " << got[0]
					      << "," << got[1] << "," << got[2] << "," << got[3]
					      << ", reference " << r.c[0] << "," << r.c[1] << ","
					      << r.c[2] << "," << r.c[3];
		}
	}
	return failures;
}

TEST(ImageScale, Xrgb8888TwiceAsLarge)
{
	EXPECT_EQ(checkScale("XRGB8888", 4, 2, "XRGB8888", 8, 4), 0);
	EXPECT_EQ(checkScale("XRGB8888", 16, 9, "XRGB8888", 32, 18), 0);
}

TEST(ImageScale, Xrgb8888HalfAsLarge)
{
	EXPECT_EQ(checkScale("XRGB8888", 8, 4, "XRGB8888", 4, 2), 0);
	EXPECT_EQ(checkScale("XRGB8888", 64, 36, "XRGB8888", 32, 18), 0);
}

/* Factors that are no power of two, and each axis its own way. */
TEST(ImageScale, Xrgb8888AnyFactor)
{
	EXPECT_EQ(checkScale("XRGB8888", 7, 5, "XRGB8888", 3, 2), 0);
	EXPECT_EQ(checkScale("XRGB8888", 5, 3, "XRGB8888", 13, 7), 0);
	EXPECT_EQ(checkScale("XRGB8888", 9, 4, "XRGB8888", 4, 11), 0);
	EXPECT_EQ(checkScale("XRGB8888", 320, 180, "XRGB8888", 640, 480), 0);
}

/* The reference itself, on a case worked by hand: a 2x1 black-white pair
 * scaled to 3x1 gives black, mid-grey, white. */
TEST(ImageScale, ReferenceOnAWorkedCase)
{
	std::vector<Rgba> pair = {{{0, 0, 0, 255}}, {{255, 255, 255, 255}}};
	std::vector<Sample> out = bilinear(pair, 2, 1, 3, 1);
	EXPECT_DOUBLE_EQ(out[0].value.c[0], 0);
	EXPECT_DOUBLE_EQ(out[1].value.c[0], 127.5);
	EXPECT_DOUBLE_EQ(out[2].value.c[0], 255);
	EXPECT_DOUBLE_EQ(out[1].spread.c[0], 255);
	/* and 4x2 -> 2x1 averages each 2x2 block */
	std::vector<Rgba> block(8, Rgba{{0, 0, 0, 0}});
	block[0].c[0] = 40, block[1].c[0] = 80, block[4].c[0] = 120, block[5].c[0] = 160;
	EXPECT_DOUBLE_EQ(bilinear(block, 4, 2, 2, 1)[0].value.c[0], 100);
}

/* A checkerboard of black and white 1-pixel squares, doubled: the scaler
 * interpolates rather than repeating pixels (a point sampler would write
 * only 0 and 255). */
TEST(ImageScale, CheckerIsInterpolated)
{
	TestImage src(fmt("XRGB8888"), 4, 2);
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < 4; x++)
			std::fill_n(src.at(0, x * 4, y), 4, (x + y) % 2 ? 0xff : 0x00);
	TestImage dst(fmt("XRGB8888"), 8, 4);
	ScaleScratch scratch;
	scratch.reserve(src.view(), dst.view());
	ASSERT_EQ(scaleImage(src.view(), dst.view(), {}, scratch), 0);
	int between = 0;
	for (uint32_t y = 0; y < 4; y++)
		for (uint32_t x = 0; x < 8; x++)
			between += *dst.at(0, x * 4, y) > 8 && *dst.at(0, x * 4, y) < 247;
	EXPECT_GT(between, 8);
	/* The corners are the source's corners (an upscale keeps its edges),
	 * white within libyuv's 127/128 (see withinFixedPoint). */
	EXPECT_EQ(*dst.at(0, 0, 0), 0x00);
	EXPECT_GE(*dst.at(0, 7 * 4, 0), 253);
}

/* ARGBScale moves the four bytes alike, so each 32-bit order comes out in
 * its own order, and the X byte is 0xff unless both formats carry alpha. */
TEST(ImageScale, ThirtyTwoBitOrdersAndAlpha)
{
	EXPECT_EQ(checkScale("ARGB8888", 6, 4, "ARGB8888", 9, 6), 0);
	EXPECT_EQ(checkScale("ARGB8888", 6, 4, "XRGB8888", 9, 6), 0);
	EXPECT_EQ(checkScale("XRGB8888", 6, 4, "ARGB8888", 3, 2), 0);
	EXPECT_EQ(checkScale("XBGR8888", 6, 4, "XBGR8888", 9, 6), 0);
	EXPECT_EQ(checkScale("XRGB8888", 6, 4, "XBGR8888", 9, 6), 0);
	EXPECT_EQ(checkScale("ABGR8888", 6, 4, "ARGB8888", 4, 3), 0);
}

TEST(ImageScale, ToRgb565)
{
	EXPECT_EQ(checkScale("XRGB8888", 4, 2, "RGB565", 8, 4), 0);
	EXPECT_EQ(checkScale("XRGB8888", 8, 4, "RGB565", 4, 2), 0);
	EXPECT_EQ(checkScale("RGB565", 5, 3, "RGB565", 10, 6), 0);
	/* RGB888 has no direct conversion to RGB565; scaling goes through 32 bits. */
	EXPECT_EQ(checkScale("RGB888", 5, 3, "RGB565", 10, 6), 0);
}

TEST(ImageScale, FromYuv)
{
	EXPECT_EQ(checkScale("NV12", 8, 4, "XRGB8888", 16, 8), 0);
	EXPECT_EQ(checkScale("NV12", 16, 8, "RGB565", 6, 4), 0);
	EXPECT_EQ(checkScale("YUYV", 8, 4, "XRGB8888", 12, 6), 0);
	EXPECT_EQ(checkScale("YUYV", 8, 4, "ABGR8888", 12, 6), 0);
	EXPECT_EQ(checkScale("YUV420", 10, 6, "XBGR8888", 5, 3), 0);
	/* the encoding reaches the conversion */
	EXPECT_EQ(checkScale("NV12", 8, 4, "XRGB8888", 12, 6, {YuvMatrix::Bt709, YuvRange::Full}),
		  0);
	EXPECT_EQ(checkScale("BGR888", 7, 3, "XRGB8888", 14, 6), 0);
}

/* The same size is a conversion: exactly what convertImage() writes. */
TEST(ImageScale, SameSizeIsAConversion)
{
	Rng rng(9);
	TestImage src(fmt("NV12"), 8, 4);
	src.fill(rng, 0);
	TestImage scaled(fmt("XRGB8888"), 8, 4);
	TestImage converted(fmt("XRGB8888"), 8, 4);
	ScaleScratch scratch;
	scratch.reserve(src.view(), scaled.view());
	ASSERT_EQ(scaleImage(src.view(), scaled.view(), {}, scratch), 0);
	ASSERT_EQ(convertImage(src.view(), converted.view()), 0);
	EXPECT_EQ(scaled.planes[0], converted.planes[0]);
	/* and where no conversion exists, a 1:1 scale through 32 bits */
	EXPECT_EQ(checkScale("RGB888", 6, 3, "RGB565", 6, 3), 0);
}

TEST(ImageScale, SupportFollowsConversion)
{
	EXPECT_TRUE(canScale(fmt("NV12"), fmt("XRGB8888")));
	EXPECT_TRUE(canScale(fmt("YUYV"), fmt("RGB565")));
	EXPECT_TRUE(canScale(fmt("ABGR8888"), fmt("RGB565")));
	EXPECT_FALSE(canScale(fmt("NV12"), fmt("NV12")));
	EXPECT_FALSE(canScale(fmt("XRGB8888"), fmt("RGB888")));
	EXPECT_FALSE(canScale(fmt("YVYU"), fmt("XRGB8888")));
	EXPECT_FALSE(canScale(fmt("YUYV"), fmt("XRGB8888"), {YuvMatrix::Bt709, YuvRange::Limited}));
	for (const PixelFormatInfo *target : conversionTargets())
		EXPECT_TRUE(canScale(fmt("XRGB8888"), *target)) << target->name;
}

TEST(ImageScale, BadArguments)
{
	Rng rng(5);
	TestImage src(fmt("NV12"), 8, 4);
	src.fill(rng, 0);
	TestImage dst(fmt("XRGB8888"), 16, 8);
	ScaleScratch scratch;
	scratch.reserve(src.view(), dst.view());
	const std::vector<uint8_t> before = dst.planes[0];

	ImageView noFormat = src.view();
	noFormat.format = nullptr;
	EXPECT_EQ(scaleImage(noFormat, dst.view(), {}, scratch), -EINVAL);
	ImageView empty = dst.view();
	empty.height = 0;
	EXPECT_EQ(scaleImage(src.view(), empty, {}, scratch), -EINVAL);
	ImageView noChroma = src.view();
	noChroma.planes[1].data = nullptr;
	EXPECT_EQ(scaleImage(noChroma, dst.view(), {}, scratch), -EINVAL);
	ImageView shortStride = dst.view();
	shortStride.planes[0].stride = 16 * 4 - 1;
	EXPECT_EQ(scaleImage(src.view(), shortStride, {}, scratch), -EINVAL);
	ImageView nv12Out = dst.view();
	nv12Out.format = &fmt("NV12");
	EXPECT_EQ(scaleImage(src.view(), nv12Out, {}, scratch), -ENOTSUP);

	/* Scratch never reserved, or for a smaller source: refused, not grown. */
	ScaleScratch none;
	EXPECT_EQ(scaleImage(src.view(), dst.view(), {}, none), -EINVAL);
	TestImage larger(fmt("NV12"), 32, 16);
	larger.fill(rng, 0);
	EXPECT_EQ(scaleImage(larger.view(), dst.view(), {}, scratch), -EINVAL);
	TestImage rgb565(fmt("RGB565"), 16, 8);
	ScaleScratch forXrgb;
	forXrgb.reserve(src.view(), dst.view());
	EXPECT_EQ(scaleImage(src.view(), rgb565.view(), {}, forXrgb), -EINVAL);

	EXPECT_EQ(dst.planes[0], before) << "a refused scale wrote pixels";
	EXPECT_EQ(scaleImage(src.view(), dst.view(), {}, scratch), 0) << "the views are good";
}

} /* namespace */
