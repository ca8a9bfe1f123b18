/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "v4l2/format_enum.h"

namespace primecam {

/*
 * What one queue of a V4L2 mem2mem device takes (VIDIOC_ENUM_FMT, and
 * VIDIOC_ENUM_FRAMESIZES of each format), and the check of a format and size
 * against it. Pure data: the refusal texts are unit-tested without a device.
 */
/* What asked for a queue's format, in refusals: the m2m stage and the
 * doctor say the same. */
inline constexpr std::string_view kAskedByUpstream = "the frames from upstream";
inline constexpr std::string_view kAskedByConfig = "asked by the config";

struct M2mQueueOffer {
	/* "OUTPUT" (what the device reads) or "CAPTURE" (what it writes). */
	std::string_view queue;
	std::vector<FormatDescription> formats;
	/* Sizes per format, in the order of formats. */
	std::vector<FrameSizes> sizes;

	/*
	 * Nothing when the queue takes fourcc at width x height; otherwise why
	 * not, naming device, what the queue offers and what was asked
	 * (asked: "the frames from upstream", "the config's format"):
	 * "m2m vim2m (/dev/video2): its CAPTURE queue does not offer NV12
	 * (the config's format); it offers RGBP RGB565, ...".
	 */
	std::optional<std::string> refusal(const std::string &device, uint32_t fourcc,
					   uint32_t width, uint32_t height,
					   std::string_view asked) const;
	/* "RGBP RGB565 32x32 - 640x480 in steps of 1x1, RGB3 ...": for list. */
	std::string describe() const;
};

} /* namespace primecam */
