/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>

#include "base/frame_layout.h"
#include "base/result.h"
#include "v4l2/capture_config.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * Why device did not give config's format and size as fourcc: S_FMT
 * substituted got (refusal empty), or refused with refusal. Read from the
 * device's own lists (ENUM_FMT, ENUM_FRAMESIZES), which are asked only
 * now: a device that takes what it is asked needs no list.
 */
Error explainRefusedFormat(const VideoDevice &device, const CaptureConfig &config, uint32_t fourcc,
			   const KernelFormat &got, std::optional<Error> refusal);

} /* namespace primecam */
