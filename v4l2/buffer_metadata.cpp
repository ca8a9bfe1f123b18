/* SPDX-License-Identifier: MIT */
#include "v4l2/buffer_metadata.h"

#include <linux/videodev2.h>

#include "pipeline/source_lifecycle.h"
#include "pipeline/stats.h"

namespace primecam {

std::optional<int64_t> monotonicTimestampNs(uint32_t flags, const timeval &timestamp)
{
	if ((flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		return std::nullopt;
	return static_cast<int64_t>(timestamp.tv_sec) * 1000000000 +
	       static_cast<int64_t>(timestamp.tv_usec) * 1000;
}

FrameMetadata DequeuedFrames::metadata(SourceLifecycle &life, uint32_t sequence, uint32_t flags,
				       const timeval &timestamp)
{
	FrameMetadata meta;
	meta.sequence = life.sequence().extend(sequence);
	std::optional<int64_t> ts = monotonicTimestampNs(flags, timestamp);
	if (!ts) {
		dequeueTime_ = true;
		meta.timestampTrust = TimestampTrust::NotMonotonic;
	}
	meta.timestampNs = ts ? *ts : monotonicNowNs();
	meta.startOfExposure =
		ts && (flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) == V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
	life.judgeTimestamp(meta);
	return meta;
}

} /* namespace primecam */
