/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/pixel_format.h"

namespace primecam {

/* What a config file's [[stage]] of type "m2m" asks for (configs/README.md). */
struct M2mConfig {
	/* A path ("/dev/video2") or a driver name ("vim2m"): that driver's
	 * first mem2mem node. */
	std::string device;
	/* What the device writes (its CAPTURE queue); the format and size it
	 * reads are the upstream frames'. */
	const PixelFormatInfo *format = nullptr;
	/* 0 x 0: the upstream frames' size (a conversion without scaling). */
	uint32_t width = 0;
	uint32_t height = 0;
	/* CAPTURE buffers: MMAP, each plane exported once (VIDIOC_EXPBUF). */
	uint32_t buffers = 4;
	/* Controls set by name before streaming, in this order (vim2m's
	 * "Transaction Time (msec)"). */
	std::vector<std::pair<std::string, int64_t>> controls;
};

} /* namespace primecam */
