/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"
#include "v4l2/capture_config.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * The capture node a [source] names: a path ("/dev/video0"), or a driver
 * name ("vivid") for that driver's first streaming capture node that speaks
 * api. The node must capture and stream (QBUF/DQBUF: read() I/O would copy
 * every frame), and an explicit api is selected on it. Shared by the V4L2
 * and libv4l2 sources, so that both find the same node for the same config.
 */
Result<VideoDevice> openCaptureNode(const std::string &name, CaptureConfig::Api api);

} /* namespace primecam */
