/* SPDX-License-Identifier: MIT */
#include "v4l2/buffer_metadata.h"

#include <linux/videodev2.h>

namespace primecam {

std::optional<int64_t> monotonicTimestampNs(uint32_t flags, const timeval &timestamp)
{
	if ((flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		return std::nullopt;
	return static_cast<int64_t>(timestamp.tv_sec) * 1000000000 +
	       static_cast<int64_t>(timestamp.tv_usec) * 1000;
}

} /* namespace primecam */
