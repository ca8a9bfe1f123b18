/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * A CPU view of a mapped image, by colour plane. It owns nothing: the
 * mapping (base/mapping.h) and the DMA_BUF_IOCTL_SYNC bracket
 * (base/cpu_access.h) belong to whoever built the view, so that a stage can
 * convert between any two mapped buffers without knowing where they live.
 */

#include <array>
#include <cstdint>

#include "base/pixel_format.h"

namespace primecam {

struct PlaneView {
	uint8_t *data = nullptr; /* first byte of the plane's first line */
	uint32_t stride = 0;	 /* bytes from one line to the next (the kernel's bytesperline) */
};

struct ImageView {
	const PixelFormatInfo *format = nullptr;
	uint32_t width = 0;
	uint32_t height = 0;
	/* Colour planes in the format's order (Y, Cb, Cr for YUV420; Y, Cr, Cb for YVU420). */
	std::array<PlaneView, 3> planes = {};
};

} /* namespace primecam */
