/* SPDX-License-Identifier: MIT */
/*
 * convertImage() against a reference written here from the standards, not
 * from libyuv: float BT.601/BT.709 Y'CbCr -> R'G'B' per pixel, and byte
 * shuffles read off the DRM format descriptions for RGB. Frames are small,
 * odd-sized (a 4:2:x image with an odd width still has a chroma sample for
 * its last column) and padded: every stride is longer than a line, and the
 * padding, filled with a sentinel, must come out untouched.
 */
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/pixel_format.h"
#include "pipeline/stages/image_convert.h"

using namespace primecam;

namespace {

constexpr uint8_t kSentinel = 0xa5;

/* xorshift32: the same pixels on every run and every machine. */
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

const PixelFormatInfo &fmt(const char *name)
{
	const PixelFormatInfo *info = formatByName(name);
	EXPECT_NE(info, nullptr) << name;
	return *info;
}

/* An image in heap memory with padded strides; the padding holds kSentinel. */
struct TestImage {
	const PixelFormatInfo *format;
	uint32_t width;
	uint32_t height;
	std::array<std::vector<uint8_t>, 3> planes;
	std::array<uint32_t, 3> strides = {};

	TestImage(const PixelFormatInfo &f, uint32_t w, uint32_t h, Rng &rng)
		: format(&f), width(w), height(h)
	{
		for (unsigned i = 0; i < f.numPlanes; i++) {
			uint32_t line = f.minLineBytes(i, w);
			/* Odd paddings, different per plane: no stride is a multiple of anything.
			 */
			strides[i] = line + 5 + 2 * i;
			planes[i].resize(size_t{strides[i]} * f.planeHeight(i, h));
			for (size_t off = 0; off < planes[i].size(); off++)
				planes[i][off] = off % strides[i] < line ? rng.byte() : kSentinel;
		}
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

	const uint8_t *at(unsigned plane, uint32_t x, uint32_t y) const
	{
		return planes[plane].data() + size_t{y} * strides[plane] + x;
	}

	/* The offsets of the padding bytes that must still hold kSentinel. */
	bool paddingIntact() const
	{
		for (unsigned i = 0; i < format->numPlanes; i++) {
			uint32_t line = format->minLineBytes(i, width);
			for (size_t off = 0; off < planes[i].size(); off++) {
				if (off % strides[i] >= line && planes[i][off] != kSentinel)
					return false;
			}
		}
		return true;
	}
};

/* A reference pixel, in 0..255 float per channel (RGB sources are exact). */
struct Rgba {
	double r, g, b, a;
};

struct Ycc {
	int y, cb, cr;
};

/*
 * Y'CbCr -> R'G'B' from the definitions (ITU-R BT.601 / BT.709):
 * E'y = Kr R' + Kg G' + Kb B', E'cb = (B' - E'y) / (2 (1 - Kb)),
 * E'cr = (R' - E'y) / (2 (1 - Kr)); limited range puts Y' on 16..235 and the
 * colour differences on 16..240 around 128, full range on 0..255.
 */
Rgba yccToRgb(Ycc ycc, YuvEncoding enc)
{
	LumaWeights weights = lumaWeights(enc.matrix);
	double kr = weights.kr;
	double kb = weights.kb;
	double kg = 1.0 - kr - kb;
	double y, cb, cr;
	if (enc.range == YuvRange::Limited) {
		y = (ycc.y - 16) / 219.0;
		cb = (ycc.cb - 128) / 224.0;
		cr = (ycc.cr - 128) / 224.0;
	} else {
		y = ycc.y / 255.0;
		cb = (ycc.cb - 128) / 255.0;
		cr = (ycc.cr - 128) / 255.0;
	}
	double r = y + 2 * (1 - kr) * cr;
	double b = y + 2 * (1 - kb) * cb;
	double g = (y - kr * r - kb * b) / kg;
	auto scale = [](double v) { return std::clamp(v, 0.0, 1.0) * 255.0; };
	return {scale(r), scale(g), scale(b), 255.0};
}

/* The Y'CbCr of pixel (x, y), read as each format's layout says. */
Ycc sampleYcc(const TestImage &img, uint32_t x, uint32_t y)
{
	std::string_view name = img.format->name;
	uint32_t cx = x / 2;
	if (name == "YUYV" || name == "UYVY") {
		const uint8_t *block = img.at(0, cx * 4, y);
		if (name == "YUYV") /* Y0 Cb Y1 Cr */
			return {block[(x & 1) * 2], block[1], block[3]};
		return {block[1 + (x & 1) * 2], block[0], block[2]}; /* Cb Y0 Cr Y1 */
	}
	uint32_t cy = img.format->planes[1].vSub == 2 ? y / 2 : y;
	int luma = *img.at(0, x, y);
	if (name == "NV12" || name == "NV16")
		return {luma, img.at(1, cx * 2, cy)[0], img.at(1, cx * 2, cy)[1]};
	if (name == "NV21" || name == "NV61")
		return {luma, img.at(1, cx * 2, cy)[1], img.at(1, cx * 2, cy)[0]};
	if (name == "YUV420" || name == "YUV422")
		return {luma, *img.at(1, cx, cy), *img.at(2, cx, cy)};
	if (name == "YVU420" || name == "YVU422")
		return {luma, *img.at(2, cx, cy), *img.at(1, cx, cy)};
	ADD_FAILURE() << "no YUV reference for " << name;
	return {};
}

/* RGB sources, from the byte orders in drm_fourcc.h (little-endian words). */
Rgba sampleRgb(const TestImage &img, uint32_t x, uint32_t y)
{
	std::string_view name = img.format->name;
	if (name == "RGB565") {
		const uint8_t *px = img.at(0, x * 2, y);
		unsigned word = px[0] | px[1] << 8;
		unsigned r = word >> 11, g = (word >> 5) & 0x3f, b = word & 0x1f;
		/* Bit replication: 31 -> 255, 0 -> 0, as every scanout engine expands. */
		return {double((r << 3) | (r >> 2)), double((g << 2) | (g >> 4)),
			double((b << 3) | (b >> 2)), 255};
	}
	if (name == "RGB888") { /* [23:0] R:G:B little endian: bytes B, G, R */
		const uint8_t *px = img.at(0, x * 3, y);
		return {double(px[2]), double(px[1]), double(px[0]), 255};
	}
	if (name == "BGR888") { /* bytes R, G, B */
		const uint8_t *px = img.at(0, x * 3, y);
		return {double(px[0]), double(px[1]), double(px[2]), 255};
	}
	const uint8_t *px = img.at(0, x * 4, y);
	double a = img.format->alpha ? double(px[3]) : 255.0;
	if (name == "XRGB8888" || name == "ARGB8888") /* bytes B, G, R, A */
		return {double(px[2]), double(px[1]), double(px[0]), a};
	if (name == "XBGR8888" || name == "ABGR8888") /* bytes R, G, B, A */
		return {double(px[0]), double(px[1]), double(px[2]), a};
	if (name == "BGRX8888" || name == "BGRA8888") /* bytes A, R, G, B */
		return {double(px[1]), double(px[2]), double(px[3]),
			img.format->alpha ? double(px[0]) : 255.0};
	ADD_FAILURE() << "no RGB reference for " << name;
	return {};
}

bool isYuvSource(const PixelFormatInfo &f)
{
	return f.yuv;
}

Rgba samplePixel(const TestImage &img, uint32_t x, uint32_t y, YuvEncoding enc)
{
	if (img.format->name == "R8") {
		/* Grey: luma alone, so R = G = B = the scaled Y'. */
		double v = *img.at(0, x, y);
		if (enc.range == YuvRange::Limited)
			v = std::clamp((v - 16) * 255.0 / 219.0, 0.0, 255.0);
		return {v, v, v, 255};
	}
	if (isYuvSource(*img.format))
		return yccToRgb(sampleYcc(img, x, y), enc);
	return sampleRgb(img, x, y);
}

/*
 * libyuv 1857 multiplies Cb by at most 2.0 per code for blue (its SIMD
 * coefficients are signed bytes in 1/64ths, and 128/64 caps them). Limited
 * range needs more: 2 (1 - Kb) * 255/224 = 2.018 for BT.601 and 2.112 for
 * BT.709 (2.142 for BT.2020), so blue comes out short by (coefficient - 2.0)
 * * |Cb - 128|: up to 2 levels for BT.601, 13 for BT.709 and 16 for BT.2020
 * at the edge of the nominal range.
 * The reference stays the standard's; the tolerance grows by that documented
 * shortfall, for blue and limited range only, and nothing else.
 */
double blueExcess(const TestImage &img, uint32_t x, uint32_t y, YuvEncoding enc)
{
	if (!img.format->yuv || enc.range != YuvRange::Limited)
		return 0;
	double coefficient = 2 * (1 - lumaWeights(enc.matrix).kb) * 255.0 / 224.0;
	constexpr double kLibyuvMax = 2.0;
	return std::max(0.0, coefficient - kLibyuvMax) * std::abs(sampleYcc(img, x, y).cb - 128);
}

/*
 * libyuv 1857's BT.2020 constants put green's chroma coefficients on a
 * coarser grid than the other matrices': up to 2.1 levels off the
 * standard's green in full range (measured), so half a level more for it.
 */
double greenExcess(YuvEncoding enc, bool exact)
{
	return !exact && enc.matrix == YuvMatrix::Bt2020 ? 0.5 : 0.0;
}

/* A destination pixel as channels; RGB565 is left in its own units. */
struct Written {
	int r, g, b, a;
};

Written readPixel(const TestImage &img, uint32_t x, uint32_t y)
{
	std::string_view name = img.format->name;
	if (name == "RGB565") {
		const uint8_t *px = img.at(0, x * 2, y);
		unsigned word = px[0] | px[1] << 8;
		return {int(word >> 11), int((word >> 5) & 0x3f), int(word & 0x1f), 255};
	}
	const uint8_t *px = img.at(0, x * 4, y);
	if (name == "XRGB8888" || name == "ARGB8888")
		return {px[2], px[1], px[0], px[3]};
	if (name == "XBGR8888" || name == "ABGR8888")
		return {px[0], px[1], px[2], px[3]};
	ADD_FAILURE() << "not a conversion target: " << name;
	return {};
}

/*
 * Whether a written channel matches the reference value `ref` (0..255):
 * within `tol` for 8-bit channels; for an n-bit channel, `ref` must lie in
 * the interval the written value truncates from (an 8-bit v becomes v >> (8 - n)),
 * widened by `tol`.
 */
bool channelMatches(int written, double ref, int bits, double tol)
{
	if (bits == 8)
		return std::abs(written - ref) <= tol;
	int shift = 8 - bits;
	double low = written << shift;
	double high = low + (1 << shift) - 1;
	return ref >= low - tol && ref <= high + tol;
}

/*
 * The pairs the module documents as supported (image_convert.cpp): every
 * source to the four 32-bit targets, and RGB565 from the sources libyuv
 * writes it from directly.
 */
const char *const kSources[] = {
	"YUYV",	    "UYVY",	"NV12",	    "NV21",	"NV16",	    "NV61",	"YUV420",
	"YVU420",   "YUV422",	"YVU422",   "R8",	"RGB888",   "BGR888",	"RGB565",
	"XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888", "BGRX8888", "BGRA8888",
};
const char *const kTargets[] = {"XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888", "RGB565"};
const std::set<std::string> kRgb565Sources = {
	"NV12", "NV16", "YUV420", "YVU420", "YUV422", "YVU422", "RGB565", "XRGB8888", "ARGB8888",
};

bool expectSupported(const std::string &from, const std::string &to)
{
	return to != "RGB565" || kRgb565Sources.count(from);
}

/* Packed YUV: libyuv 1857 converts it in BT.601 limited range only. */
bool packedYuv(const std::string &from)
{
	return from == "YUYV" || from == "UYVY";
}

const YuvEncoding kAllEncodings[] = {
	{YuvMatrix::Bt601, YuvRange::Limited},	{YuvMatrix::Bt601, YuvRange::Full},
	{YuvMatrix::Bt709, YuvRange::Limited},	{YuvMatrix::Bt709, YuvRange::Full},
	{YuvMatrix::Bt2020, YuvRange::Limited}, {YuvMatrix::Bt2020, YuvRange::Full},
};

std::string encodingName(YuvEncoding enc)
{
	return std::string(yuvMatrixName(enc.matrix)) + "/" + yuvRangeName(enc.range);
}

struct Pair {
	std::string from;
	std::string to;
};

/* Failures name the pair, not its bytes. */
void PrintTo(const Pair &pair, std::ostream *os)
{
	*os << pair.from << " -> " << pair.to;
}

std::vector<Pair> supportedPairs()
{
	std::vector<Pair> pairs;
	for (const char *from : kSources) {
		for (const char *to : kTargets) {
			if (expectSupported(from, to))
				pairs.push_back({from, to});
		}
	}
	return pairs;
}

class ConvertPair : public testing::TestWithParam<Pair>
{};

/*
 * Converts random pixels with every applicable encoding and size and checks
 * each pixel against the reference, the X/alpha byte, and the padding.
 */
TEST_P(ConvertPair, MatchesReference)
{
	const PixelFormatInfo &from = fmt(GetParam().from.c_str());
	const PixelFormatInfo &to = fmt(GetParam().to.c_str());
	bool yuvLike = from.yuv || from.name == "R8";
	bool exact = !yuvLike;

	std::vector<YuvEncoding> encodings;
	if (packedYuv(GetParam().from))
		encodings = {YuvEncoding{}};
	else if (yuvLike)
		encodings.assign(std::begin(kAllEncodings), std::end(kAllEncodings));
	else
		encodings = {YuvEncoding{}, {YuvMatrix::Bt709, YuvRange::Full}}; /* ignored */

	const std::pair<uint32_t, uint32_t> sizes[] = {{7, 5}, {33, 3}, {1, 1}, {64, 2}};
	uint32_t seed = 1;
	for (YuvEncoding enc : encodings) {
		for (auto [width, height] : sizes) {
			SCOPED_TRACE(std::string(from.name) + " -> " + std::string(to.name) + " " +
				     encodingName(enc) + " " + std::to_string(width) + "x" +
				     std::to_string(height));
			Rng rng(seed++ * 2654435761u);
			TestImage src(from, width, height, rng);
			TestImage dst(to, width, height, rng);
			std::vector<uint8_t> srcBefore = src.planes[0];

			ASSERT_TRUE(canConvert(from, to, enc));
			ASSERT_EQ(convertImage(src.view(), dst.view(), enc), 0);

			EXPECT_TRUE(dst.paddingIntact()) << "a padding byte was written";
			EXPECT_EQ(src.planes[0], srcBefore) << "the source was written";

			int bits[3] = {8, 8, 8};
			if (to.name == "RGB565")
				bits[0] = 5, bits[1] = 6, bits[2] = 5;
			double tol = exact ? 0 : 2;
			int failures = 0;
			for (uint32_t y = 0; y < height && failures < 5; y++) {
				for (uint32_t x = 0; x < width && failures < 5; x++) {
					Rgba ref = samplePixel(src, x, y, enc);
					Written got = readPixel(dst, x, y);
					/* X bytes are 0xff; alpha is copied only from alpha. */
					int alpha = to.alpha && from.alpha ? int(ref.a) : 255;
					bool ok =
						channelMatches(got.r, ref.r, bits[0], tol) &&
						channelMatches(got.g, ref.g, bits[1],
							       tol + greenExcess(enc, exact)) &&
						channelMatches(got.b, ref.b, bits[2],
							       tol + blueExcess(src, x, y, enc)) &&
						got.a == alpha;
					if (!ok) {
						failures++;
						ADD_FAILURE()
							<< "pixel (" << x << "," << y
							<< "): wrote rgba " << got.r << "," << got.g
							<< "," << got.b << "," << got.a
							<< ", reference " << ref.r << "," << ref.g
							<< "," << ref.b << "," << alpha;
					}
				}
			}
		}
	}
}

std::string pairName(const testing::TestParamInfo<Pair> &param)
{
	return param.param.from + "_to_" + param.param.to;
}

INSTANTIATE_TEST_SUITE_P(AllSupported, ConvertPair, testing::ValuesIn(supportedPairs()), pairName);

/* Textbook colours anchor the reference itself, and the conversion with it. */
TEST(ImageConvert, ReferenceGivesTextbookColours)
{
	YuvEncoding bt601;
	Rgba white = yccToRgb({235, 128, 128}, bt601);
	Rgba black = yccToRgb({16, 128, 128}, bt601);
	/* BT.601 limited-range 100% red: Y' 81, Cb 90, Cr 240. */
	Rgba red = yccToRgb({81, 90, 240}, bt601);
	EXPECT_NEAR(white.r, 255, 0.01);
	EXPECT_NEAR(white.g, 255, 0.01);
	EXPECT_NEAR(black.b, 0, 0.01);
	EXPECT_NEAR(red.r, 255, 1.5);
	EXPECT_NEAR(red.g, 0, 1.5);
	EXPECT_NEAR(red.b, 0, 1.5);
	/* BT.709 limited-range 100% green: Y' 173, Cb 42, Cr 26. */
	Rgba green = yccToRgb({173, 42, 26}, {YuvMatrix::Bt709, YuvRange::Limited});
	EXPECT_NEAR(green.r, 0, 1.5);
	EXPECT_NEAR(green.g, 255, 1.5);
	EXPECT_NEAR(green.b, 0, 1.5);
}

TEST(ImageConvert, RedNv12IsRedOnEveryTarget)
{
	/* 2x2 NV12 of BT.601 limited-range red, no padding needed for this check. */
	uint8_t luma[4] = {81, 81, 81, 81};
	uint8_t chroma[2] = {90, 240};
	ImageView src;
	src.format = &fmt("NV12");
	src.width = src.height = 2;
	src.planes[0] = {luma, 2};
	src.planes[1] = {chroma, 2};

	uint8_t out[16];
	ImageView dst;
	dst.width = dst.height = 2;
	dst.planes[0] = {out, 8};

	dst.format = &fmt("XRGB8888"); /* bytes B, G, R, X */
	ASSERT_EQ(convertImage(src, dst), 0);
	EXPECT_LE(out[0], 2);
	EXPECT_LE(out[1], 2);
	EXPECT_GE(out[2], 253);
	EXPECT_EQ(out[3], 0xff);

	dst.format = &fmt("ABGR8888"); /* bytes R, G, B, A */
	ASSERT_EQ(convertImage(src, dst), 0);
	EXPECT_GE(out[0], 253);
	EXPECT_LE(out[1], 2);
	EXPECT_LE(out[2], 2);
	EXPECT_EQ(out[3], 0xff);

	dst.format = &fmt("RGB565");
	dst.planes[0].stride = 4;
	ASSERT_EQ(convertImage(src, dst), 0);
	EXPECT_EQ(out[0] | out[1] << 8, 0xf800);
}

TEST(ImageConvert, TargetsAreTheFiveScanoutFormats)
{
	std::set<std::string> names;
	for (const PixelFormatInfo *target : conversionTargets()) {
		ASSERT_NE(target, nullptr);
		names.insert(std::string(target->name));
	}
	EXPECT_EQ(names, (std::set<std::string>{"XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888",
						"RGB565"}));
}

/* Every (source, target) pair of the table, both ways of asking. */
TEST(ImageConvert, SupportMatrixIsAsDocumented)
{
	for (const PixelFormatInfo &from : allFormats()) {
		for (const PixelFormatInfo &to : allFormats()) {
			std::string f(from.name), t(to.name);
			bool isSource = std::find(std::begin(kSources), std::end(kSources), f) !=
					std::end(kSources);
			bool isTarget = std::find(std::begin(kTargets), std::end(kTargets), t) !=
					std::end(kTargets);
			bool expected = isSource && isTarget && expectSupported(f, t);
			EXPECT_EQ(canConvert(from, to), expected) << f << " -> " << t;
		}
	}
}

TEST(ImageConvert, UnsupportedPairReturnsEnotsupAndWritesNothing)
{
	const char *const unsupported[][2] = {
		{"YUYV", "RGB565"},	{"NV21", "RGB565"},	{"RGB888", "RGB565"},
		{"ABGR8888", "RGB565"}, {"R8", "RGB565"},	{"XRGB8888", "NV12"},
		{"YVYU", "XRGB8888"},	{"SBGGR8", "XRGB8888"}, {"NV12", "XRGB16161616"},
	};
	for (auto [fromName, toName] : unsupported) {
		SCOPED_TRACE(std::string(fromName) + " -> " + toName);
		Rng rng(7);
		TestImage src(fmt(fromName), 7, 5, rng);
		TestImage dst(fmt(toName), 7, 5, rng);
		std::vector<uint8_t> before = dst.planes[0];
		EXPECT_FALSE(canConvert(*src.format, *dst.format));
		EXPECT_EQ(convertImage(src.view(), dst.view()), -ENOTSUP);
		EXPECT_EQ(dst.planes[0], before);
	}
}

TEST(ImageConvert, PackedYuvIsBt601LimitedOnly)
{
	for (const char *name : {"YUYV", "UYVY"}) {
		const PixelFormatInfo &from = fmt(name);
		for (YuvEncoding enc : kAllEncodings) {
			bool bt601Limited =
				enc.matrix == YuvMatrix::Bt601 && enc.range == YuvRange::Limited;
			EXPECT_EQ(canConvert(from, fmt("XRGB8888"), enc), bt601Limited)
				<< name << " " << encodingName(enc);
			Rng rng(3);
			TestImage src(from, 8, 2, rng);
			TestImage dst(fmt("XRGB8888"), 8, 2, rng);
			EXPECT_EQ(convertImage(src.view(), dst.view(), enc),
				  bt601Limited ? 0 : -ENOTSUP)
				<< name << " " << encodingName(enc);
		}
	}
}

TEST(ImageConvert, EncodingChangesTheResult)
{
	/* A saturated chroma converts differently under each matrix and range. */
	Rng rng(11);
	TestImage src(fmt("NV12"), 8, 4, rng);
	std::set<std::vector<uint8_t>> results;
	for (YuvEncoding enc : kAllEncodings) {
		TestImage dst(fmt("XRGB8888"), 8, 4, rng);
		ASSERT_EQ(convertImage(src.view(), dst.view(), enc), 0);
		results.insert(dst.planes[0]);
	}
	EXPECT_EQ(results.size(), std::size(kAllEncodings));
}

TEST(ImageConvert, BadViewsReturnEinval)
{
	Rng rng(5);
	TestImage src(fmt("NV12"), 7, 5, rng);
	TestImage dst(fmt("XRGB8888"), 7, 5, rng);
	TestImage wider(fmt("XRGB8888"), 9, 5, rng);
	TestImage taller(fmt("XRGB8888"), 7, 6, rng);
	std::vector<uint8_t> before = dst.planes[0];

	EXPECT_EQ(convertImage(src.view(), wider.view()), -EINVAL);
	EXPECT_EQ(convertImage(src.view(), taller.view()), -EINVAL);

	ImageView noChroma = src.view();
	noChroma.planes[1].data = nullptr;
	EXPECT_EQ(convertImage(noChroma, dst.view()), -EINVAL);

	ImageView noDst = dst.view();
	noDst.planes[0].data = nullptr;
	EXPECT_EQ(convertImage(src.view(), noDst), -EINVAL);

	ImageView shortStride = dst.view();
	shortStride.planes[0].stride = 7 * 4 - 1;
	EXPECT_EQ(convertImage(src.view(), shortStride), -EINVAL);

	ImageView empty = src.view(), emptyDst = dst.view();
	empty.width = emptyDst.width = 0;
	EXPECT_EQ(convertImage(empty, emptyDst), -EINVAL);

	ImageView noFormat = src.view();
	noFormat.format = nullptr;
	EXPECT_EQ(convertImage(noFormat, dst.view()), -EINVAL);

	EXPECT_EQ(dst.planes[0], before) << "a rejected conversion wrote pixels";
	ASSERT_EQ(convertImage(src.view(), dst.view()), 0) << "the views themselves are good";
}

/* makeOpaque() sets the X byte in strips of a fixed width: an image wider
 * than one strip (4096 pixels) gets every X byte set, the colours and the
 * padding kept, the last strip partial. */
TEST(ImageConvert, OpaqueReachesEveryPixelOfAWideImage)
{
	Rng rng(13);
	TestImage src(fmt("ARGB8888"), 4096 + 4096 + 7, 2, rng);
	TestImage dst(fmt("XRGB8888"), src.width, 2, rng);
	ASSERT_EQ(convertImage(src.view(), dst.view()), 0);
	EXPECT_TRUE(dst.paddingIntact());
	int wrong = 0;
	for (uint32_t y = 0; y < 2; y++)
		for (uint32_t x = 0; x < src.width; x++) {
			const uint8_t *in = src.at(0, x * 4, y), *out = dst.at(0, x * 4, y);
			wrong += out[3] != 0xff || in[0] != out[0] || in[1] != out[1] ||
				 in[2] != out[2];
		}
	EXPECT_EQ(wrong, 0);
}

TEST(ImageConvert, EncodingNames)
{
	EXPECT_EQ(yuvMatrixByName("bt601"), YuvMatrix::Bt601);
	EXPECT_EQ(yuvMatrixByName("bt709"), YuvMatrix::Bt709);
	EXPECT_EQ(yuvMatrixByName("BT709"), std::nullopt);
	EXPECT_EQ(yuvMatrixByName("bt2020"), YuvMatrix::Bt2020);
	EXPECT_EQ(yuvMatrixByName("bt2100"), std::nullopt);
	EXPECT_EQ(yuvMatrixByName(""), std::nullopt);
	EXPECT_EQ(yuvRangeByName("limited"), YuvRange::Limited);
	EXPECT_EQ(yuvRangeByName("full"), YuvRange::Full);
	EXPECT_EQ(yuvRangeByName("tv"), std::nullopt);
	for (YuvMatrix m : {YuvMatrix::Bt601, YuvMatrix::Bt709, YuvMatrix::Bt2020})
		EXPECT_EQ(yuvMatrixByName(yuvMatrixName(m)), m);
	for (YuvRange r : {YuvRange::Limited, YuvRange::Full})
		EXPECT_EQ(yuvRangeByName(yuvRangeName(r)), r);
}

} /* namespace */
