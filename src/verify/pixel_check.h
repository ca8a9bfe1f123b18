/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "base/image.h"

namespace primecam {

/* Where a shown image differs from the expected one, and how much. */
struct PixelDifference {
	uint64_t differing = 0; /* pixels with a channel off by more than the tolerance */
	/* The first such pixel, in the expected image's coordinates, and its
	 * two values as R/G/B. */
	uint32_t x = 0;
	uint32_t y = 0;
	uint32_t shown = 0;    /* 0xRRGGBB */
	uint32_t expected = 0; /* 0xRRGGBB */
	/* Every differing pixel lies in [left, right] x [top, bottom]. */
	uint32_t left = 0;
	uint32_t top = 0;
	uint32_t right = 0;
	uint32_t bottom = 0;

	/* "812 pixels beyond 2 levels, first at (64,0): shown 10/20/30,
	 * captured 200/20/30; all within (64,0)-(639,31)" */
	std::string describe(uint32_t tolerance) const;
};

/*
 * Compares the part of screen (an XRGB8888 writeback image) at (x0, y0) with
 * expected (XRGB8888, the captured frame as the display should show it),
 * channel by channel, the X byte masked: a pixel differs when one of R, G, B
 * is off by more than tolerance levels. expected must fit in screen at
 * (x0, y0); a part that does not is counted as differing in full.
 */
PixelDifference comparePixels(const Image &screen, uint32_t x0, uint32_t y0, const Image &expected,
			      uint32_t tolerance);

} /* namespace primecam */
