/* SPDX-License-Identifier: MIT */
#include "v4l2/buffer_metadata.h"

#include <linux/videodev2.h>

namespace primecam {

void SequenceCounter::reset()
{
	started_ = false;
	last_ = 0;
	wraps_ = 0;
}

uint64_t SequenceCounter::extend(uint32_t sequence)
{
	if (started_ && sequence < last_)
		++wraps_;
	started_ = true;
	last_ = sequence;
	return (wraps_ << 32) | sequence;
}

std::optional<int64_t> monotonicTimestampNs(uint32_t flags, const timeval &timestamp)
{
	if ((flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		return std::nullopt;
	return static_cast<int64_t>(timestamp.tv_sec) * 1000000000 +
	       static_cast<int64_t>(timestamp.tv_usec) * 1000;
}

} /* namespace primecam */
