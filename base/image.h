/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

#include "base/pixel_format.h"

namespace primecam {

/* Pixels copied out of a buffer for a snapshot or a check (never on the
 * streaming path): what the writeback connector saw, what a PNG holds. */
struct Image {
	const PixelFormatInfo *format = nullptr;
	uint32_t width = 0;
	uint32_t height = 0;
	uint32_t stride = 0;
	std::vector<uint8_t> data;
};

} /* namespace primecam */
