/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/pixel_format.h"

namespace primecam {

/*
 * A plane refused to scale frames (a TEST_ONLY commit failed with the
 * frame's shown part and its place on the screen of different sizes): what
 * the frames are and what the plane would have to show. vkms cannot scale at
 * all, and many display controllers only within limits.
 */
struct ScalingNeed {
	const PixelFormatInfo *format = nullptr;
	uint32_t fromWidth = 0;
	uint32_t fromHeight = 0;
	uint32_t toWidth = 0;
	uint32_t toHeight = 0;
	/* The DRM formats the plane scans out. */
	std::vector<uint32_t> planeFormats;
};

/*
 * What would scale instead, as a sentence for the refusal. The display side
 * cannot know the machine's other devices (a V4L2 mem2mem scaler), so the
 * pipeline builder gives the sinks one (src/scaling_advice.h).
 */
using ScalingAdvisor = std::function<std::string(const ScalingNeed &need)>;

} /* namespace primecam */
