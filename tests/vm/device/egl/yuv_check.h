/* SPDX-License-Identifier: MIT */
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/image.h"
#include "pipeline/stages/image_convert.h"

namespace primecam::test {

/* The standard's R'G'B' of one Y'CbCr sample, rounded. */
inline std::array<int, 3> yuvToRgb(int y, int u, int v, YuvEncoding encoding)
{
	LumaWeights w = lumaWeights(encoding.matrix);
	bool limited = encoding.range == YuvRange::Limited;
	double ys = limited ? (y - 16) * 255.0 / 219.0 : y;
	double cb = (u - 128) * (limited ? 255.0 / 224.0 : 1.0);
	double cr = (v - 128) * (limited ? 255.0 / 224.0 : 1.0);
	double kg = 1.0 - w.kr - w.kb;
	double r = ys + 2 * (1 - w.kr) * cr;
	double b = ys + 2 * (1 - w.kb) * cb;
	double g = ys - 2 * (1 - w.kb) * w.kb / kg * cb - 2 * (1 - w.kr) * w.kr / kg * cr;
	auto q = [](double x) { return static_cast<int>(std::lround(std::clamp(x, 0.0, 255.0))); };
	return {q(r), q(g), q(b)};
}

/*
 * Y, Cb, Cr of pixel (x, y) of a YUV image, read by this test on its own
 * (not by the code under test): packed 4:2:2 by the format's byte order,
 * semi-planar and planar by plane, chroma subsampled as the format says.
 */
inline std::array<int, 3> yuvAt(const ImageView &image, uint32_t x, uint32_t y)
{
	const PixelFormatInfo &f = *image.format;
	std::string_view name = f.name;
	auto at = [&](unsigned plane, uint32_t byte, uint32_t row) {
		return image.planes[plane].data[row * image.planes[plane].stride + byte];
	};
	if (f.numPlanes == 1) {
		/* byte of Y0, Cb, Y1, Cr in a pixel pair */
		std::array<int, 4> order = name == "UYVY"   ? std::array<int, 4>{1, 0, 3, 2}
					   : name == "YVYU" ? std::array<int, 4>{0, 3, 2, 1}
					   : name == "VYUY" ? std::array<int, 4>{1, 2, 3, 0}
							    : std::array<int, 4>{0, 1, 2, 3};
		uint32_t pair = (x / 2) * 4;
		return {at(0, pair + order[(x & 1) * 2], y), at(0, pair + order[1], y),
			at(0, pair + order[3], y)};
	}
	uint32_t cx = x / f.planes[1].hSub, cy = y / f.planes[1].vSub;
	if (f.numPlanes == 2) {
		bool swapped = name == "NV21" || name == "NV61";
		int first = at(1, cx * 2, cy), second = at(1, cx * 2 + 1, cy);
		return {at(0, x, y), swapped ? second : first, swapped ? first : second};
	}
	bool swapped = name == "YVU420" || name == "YVU422";
	return {at(0, x, y), at(swapped ? 2 : 1, cx, cy), at(swapped ? 1 : 2, cx, cy)};
}

struct YuvCheck {
	size_t overTolerance = 0;
	int maxRedGreenVsLibyuv = 0;
	int maxBlueVsLibyuv = 0;
	int maxVsFormula = 0;
	bool libyuv = false; /* libyuv converts this format in this encoding */
	std::string first;
};

/*
 * GL output (bytes R, G, B, X) against the standard's formula for
 * `encoding`, within 2 per channel; and against libyuv's conversion of the
 * captured frame where libyuv has one: red and green within 2 of it, blue
 * only measured, because libyuv 1857's limited-range blue is itself short
 * of the standard (2.4 levels for BT.601, 13 for BT.709; see
 * tests/pipeline/test_image_convert.cpp).
 */
inline YuvCheck compareYuv(const Image &gl, const ImageView &captured, YuvEncoding encoding)
{
	std::vector<uint8_t> libyuv(static_cast<size_t>(captured.width) * 4 * captured.height);
	ImageView out{formatByName("XBGR8888"), captured.width, captured.height, {}};
	out.planes[0] = {libyuv.data(), captured.width * 4};
	YuvCheck check;
	check.libyuv = convertImage(captured, out, encoding) == 0;
	for (uint32_t y = 0; y < captured.height; ++y) {
		for (uint32_t x = 0; x < captured.width; ++x) {
			std::array<int, 3> yuv = yuvAt(captured, x, y);
			std::array<int, 3> formula = yuvToRgb(yuv[0], yuv[1], yuv[2], encoding);
			const uint8_t *g = gl.data.data() + y * gl.stride + x * 4;
			const uint8_t *l = libyuv.data() + y * captured.width * 4 + x * 4;
			int worst = 0;
			for (int c = 0; c < 3; ++c)
				worst = std::max(worst, std::abs(g[c] - formula[c]));
			int dr = 0, dg = 0;
			if (check.libyuv) {
				dr = std::abs(g[0] - l[0]);
				dg = std::abs(g[1] - l[1]);
				check.maxRedGreenVsLibyuv =
					std::max({check.maxRedGreenVsLibyuv, dr, dg});
				check.maxBlueVsLibyuv =
					std::max(check.maxBlueVsLibyuv, std::abs(g[2] - l[2]));
			}
			check.maxVsFormula = std::max(check.maxVsFormula, worst);
			if (worst > 2 || dr > 2 || dg > 2) {
				if (!check.overTolerance++)
					check.first =
						"(" + std::to_string(x) + "," + std::to_string(y) +
						") YUV " + std::to_string(yuv[0]) + "," +
						std::to_string(yuv[1]) + "," +
						std::to_string(yuv[2]) + ": GL " +
						std::to_string(g[0]) + "," + std::to_string(g[1]) +
						"," + std::to_string(g[2]) + " formula " +
						std::to_string(formula[0]) + "," +
						std::to_string(formula[1]) + "," +
						std::to_string(formula[2]);
			}
		}
	}
	return check;
}

} /* namespace primecam::test */
