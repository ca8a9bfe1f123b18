/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

#include <linux/videodev2.h>

#include "base/pixel_format.h"
#include "base/result.h"
#include "v4l2/capture_config.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * The V4L2 fourcc a capture on device asks for to get info's format: the
 * contiguous one unless nonContiguous (one buffer per colour plane), which
 * only the multi-planar API has.
 */
Result<uint32_t> captureFourcc(const VideoDevice &device, const PixelFormatInfo &info,
			       bool nonContiguous);

/*
 * The device's answer to S_FMT or TRY_FMT for fourcc at config's size,
 * checked: a refusal or a substitution explained, interlaced fields refused.
 */
Result<v4l2_format> checkCaptureFormat(const VideoDevice &device, const CaptureConfig &config,
				       uint32_t fourcc, Result<v4l2_format> answer);

} /* namespace primecam */
