/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Turning what VIDIOC_DQBUF says about a frame into FrameMetadata: the
 * timeval timestamp as CLOCK_MONOTONIC nanoseconds when the driver says it is
 * one, the sequence extended to 64 bits (pipeline/sequence_counter.h).
 */

#include <cstdint>
#include <optional>

#include <sys/time.h>

#include "pipeline/frame.h"

namespace primecam {

/*
 * The buffer's timestamp in CLOCK_MONOTONIC nanoseconds, or nullopt when the
 * driver's timestamp is not on that clock (V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN,
 * or _COPY, which output-to-capture devices use for the application's own
 * value): comparing those with page-flip times would give nonsense latencies.
 */
std::optional<int64_t> monotonicTimestampNs(uint32_t flags, const timeval &timestamp);

class SourceLifecycle;

/*
 * The FrameMetadata of each buffer a V4L2 capture queue returns, the same
 * for the V4L2 and the libv4l2 source. A driver whose timestamps are not
 * CLOCK_MONOTONIC gets the dequeue time instead, marked NotMonotonic so no
 * latency is computed from it, and remembered for the source's description.
 */
class DequeuedFrames
{
public:
	/* The sequence through life's counter, the time judged by life. */
	FrameMetadata metadata(SourceLifecycle &life, uint32_t sequence, uint32_t flags,
			       const timeval &timestamp);
	/* Some frame since reset() carried its dequeue time. */
	bool usesDequeueTime() const { return dequeueTime_; }
	/* What a source's description says then. */
	static constexpr const char *kDequeueTimeNote =
		"the driver's timestamps are not CLOCK_MONOTONIC: frames carry their dequeue "
		"time and are left out of latency";
	/* At configure: a new format may come with another clock. */
	void reset() { dequeueTime_ = false; }

private:
	bool dequeueTime_ = false;
};

} /* namespace primecam */
