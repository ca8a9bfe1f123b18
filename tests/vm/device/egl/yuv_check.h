/* SPDX-License-Identifier: MIT */
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/image.h"
#include "pipeline/stages/image_convert.h"

namespace primecam::test {

/* The standard's R'G'B' of one Y'CbCr sample (BT.601 limited), rounded. */
inline std::array<int, 3> bt601Limited(int y, int u, int v)
{
	double ys = (y - 16) * 255.0 / 219.0;
	double cb = (u - 128) * 255.0 / 224.0;
	double cr = (v - 128) * 255.0 / 224.0;
	double r = ys + 1.402 * cr;
	double g = ys - 0.344136 * cb - 0.714136 * cr;
	double b = ys + 1.772 * cb;
	auto q = [](double x) { return static_cast<int>(std::lround(std::clamp(x, 0.0, 255.0))); };
	return {q(r), q(g), q(b)};
}

struct YuvCheck {
	size_t overTolerance = 0;
	int maxRedGreenVsLibyuv = 0;
	int maxBlueVsLibyuv = 0;
	int maxBlueVsFormula = 0;
	std::string first;
};

/*
 * GL output (bytes R, G, B, X) against libyuv's conversion of the captured
 * frame: red and green within 2 of libyuv; blue within 2 of the standard's
 * formula, because libyuv 1857's limited-range blue is itself up to 2.4
 * levels short of it for BT.601 (tests/pipeline/test_image_convert.cpp).
 */
inline YuvCheck compareYuv(const Image &gl, const ImageView &captured)
{
	std::vector<uint8_t> libyuv(static_cast<size_t>(captured.width) * 4 * captured.height);
	ImageView out{formatByName("XBGR8888"), captured.width, captured.height, {}};
	out.planes[0] = {libyuv.data(), captured.width * 4};
	YuvCheck check;
	if (convertImage(captured, out) != 0) {
		check.overTolerance = SIZE_MAX;
		check.first = "libyuv refused the conversion";
		return check;
	}
	bool nv12 = captured.format->name == "NV12";
	for (uint32_t y = 0; y < captured.height; ++y) {
		for (uint32_t x = 0; x < captured.width; ++x) {
			int Y, U, V;
			if (nv12) {
				Y = captured.planes[0].data[y * captured.planes[0].stride + x];
				const uint8_t *c = captured.planes[1].data +
						   (y / 2) * captured.planes[1].stride +
						   (x / 2) * 2;
				U = c[0];
				V = c[1];
			} else {
				const uint8_t *p = captured.planes[0].data +
						   y * captured.planes[0].stride + (x / 2) * 4;
				Y = p[(x & 1) * 2];
				U = p[1];
				V = p[3];
			}
			std::array<int, 3> formula = bt601Limited(Y, U, V);
			const uint8_t *g = gl.data.data() + y * gl.stride + x * 4;
			const uint8_t *l = libyuv.data() + y * captured.width * 4 + x * 4;
			int dr = std::abs(g[0] - l[0]), dg = std::abs(g[1] - l[1]);
			int dbl = std::abs(g[2] - l[2]), dbf = std::abs(g[2] - formula[2]);
			check.maxRedGreenVsLibyuv = std::max({check.maxRedGreenVsLibyuv, dr, dg});
			check.maxBlueVsLibyuv = std::max(check.maxBlueVsLibyuv, dbl);
			check.maxBlueVsFormula = std::max(check.maxBlueVsFormula, dbf);
			if (dr > 2 || dg > 2 || dbf > 2) {
				if (!check.overTolerance++)
					check.first =
						"(" + std::to_string(x) + "," + std::to_string(y) +
						") YUV " + std::to_string(Y) + "," +
						std::to_string(U) + "," + std::to_string(V) +
						": GL " + std::to_string(g[0]) + "," +
						std::to_string(g[1]) + "," + std::to_string(g[2]) +
						" libyuv " + std::to_string(l[0]) + "," +
						std::to_string(l[1]) + "," + std::to_string(l[2]);
			}
		}
	}
	return check;
}

} /* namespace primecam::test */
