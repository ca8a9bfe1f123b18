/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/pixel_format.h"
#include "base/result.h"
#include "v4l2/m2m_formats.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * A V4L2 mem2mem node: one video node with two queues, OUTPUT (the frames it
 * reads) and CAPTURE (the frames it writes), through the single-planar API
 * (V4L2_CAP_VIDEO_M2M) or the multi-planar one (V4L2_CAP_VIDEO_M2M_MPLANE;
 * preferred when a node has both, as it serves every format).
 */
struct M2mNode {
	VideoDevice device;
	uint32_t outputType = 0;
	uint32_t captureType = 0;

	bool isMultiplanar() const { return VideoDevice::isMultiplanarType(outputType); }
	/* ENUM_FMT and ENUM_FRAMESIZES of one of the two queues. */
	Result<M2mQueueOffer> offer(uint32_t type) const;
	/* The bytes per line the OUTPUT queue reads a one-plane format at a
	 * size with (TRY_FMT), for an upstream pool to write exactly that; 0
	 * when the node does not take that format and size. */
	uint32_t outputLineBytes(const PixelFormatInfo &format, uint32_t width,
				 uint32_t height) const;
};

/*
 * The mem2mem node a [[stage]] names: a path, or a driver name for that
 * driver's first streaming mem2mem node. ENODEV naming the mem2mem nodes
 * present when there is none.
 */
Result<M2mNode> openM2mNode(const std::string &name);

/* Every streaming mem2mem node, in /dev/videoN order: for `primecam list`. */
std::vector<M2mNode> listM2mNodes();

/* `primecam list`'s section: each mem2mem node with the formats and sizes
 * it reads (OUTPUT) and writes (CAPTURE). */
std::string describeM2mNodes();

} /* namespace primecam */
