/* SPDX-License-Identifier: MIT */
#include "src/verify/pixel_check.h"

#include <algorithm>
#include <cstdlib>

namespace primecam {

namespace {

/* XRGB8888 is little-endian B, G, R, X in memory. */
uint32_t rgbAt(const Image &image, uint32_t x, uint32_t y)
{
	const uint8_t *p = &image.data[size_t{y} * image.stride + size_t{x} * 4];
	return uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}

std::string rgbText(uint32_t rgb)
{
	return std::to_string(rgb >> 16) + "/" + std::to_string((rgb >> 8) & 0xff) + "/" +
	       std::to_string(rgb & 0xff);
}

std::string point(uint32_t x, uint32_t y)
{
	return "(" + std::to_string(x) + "," + std::to_string(y) + ")";
}

} /* namespace */

std::string PixelDifference::describe(uint32_t tolerance) const
{
	if (!differing)
		return "identical within " + std::to_string(tolerance) + " levels";
	return std::to_string(differing) + " pixels beyond " + std::to_string(tolerance) +
	       " levels, first at " + point(x, y) + ": shown " + rgbText(shown) + ", captured " +
	       rgbText(expected) + "; all within " + point(left, top) + "-" + point(right, bottom);
}

PixelDifference comparePixels(const Image &screen, uint32_t x0, uint32_t y0, const Image &expected,
			      uint32_t tolerance)
{
	PixelDifference diff;
	auto note = [&](uint32_t x, uint32_t y, uint32_t shown, uint32_t want) {
		if (diff.differing++ == 0) {
			diff.x = diff.left = diff.right = x;
			diff.y = diff.top = diff.bottom = y;
			diff.shown = shown;
			diff.expected = want;
		}
		diff.left = std::min(diff.left, x);
		diff.right = std::max(diff.right, x);
		diff.top = std::min(diff.top, y);
		diff.bottom = std::max(diff.bottom, y);
	};
	for (uint32_t y = 0; y < expected.height; ++y)
		for (uint32_t x = 0; x < expected.width; ++x) {
			uint32_t want = rgbAt(expected, x, y);
			if (x0 + x >= screen.width || y0 + y >= screen.height) {
				note(x, y, 0, want);
				continue;
			}
			uint32_t shown = rgbAt(screen, x0 + x, y0 + y);
			for (int shift : {16, 8, 0}) {
				int a = static_cast<int>((shown >> shift) & 0xff);
				int b = static_cast<int>((want >> shift) & 0xff);
				if (static_cast<uint32_t>(std::abs(a - b)) > tolerance) {
					note(x, y, shown, want);
					break;
				}
			}
		}
	return diff;
}

} /* namespace primecam */
