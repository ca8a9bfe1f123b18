/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "base/pixel_format.h"

namespace primecam {

/*
 * What a config file's [source] of type "libcamera" asks for (see
 * configs/README.md). Plain data: it is parsed and checked in every build,
 * with or without libcamera, so that a config is judged the same way
 * everywhere and only running it needs the library.
 */
struct LibcameraConfig {
	/* A camera id as `primecam list` prints it ("platform/vimc.0 Sensor B"),
	 * or an index into libcamera's camera list ("0"); empty: the first
	 * camera. */
	std::string camera;
	const PixelFormatInfo *format = nullptr;
	uint32_t width = 0;
	uint32_t height = 0;
	uint32_t buffers = 4;
};

} /* namespace primecam */
