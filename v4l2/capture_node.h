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

/*
 * The frame interval a capture node runs at, from a config's fps: with fps >
 * 0, S_PARM to the interval nearest 1/fps and what the driver granted (its
 * nearest rate, not necessarily the one asked for); without, the driver's
 * current interval when G_PARM says one, else 0/0 (the rate is the driver's
 * to choose, and nothing to report). who names the source in the message for
 * an fps no V4L2 fraction holds. Shared by the V4L2 and libv4l2 sources.
 */
Result<Fraction> applyFrameRate(VideoDevice &device, double fps, const std::string &who);

} /* namespace primecam */
