/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Turning what VIDIOC_DQBUF says about a frame into FrameMetadata: the
 * kernel's 32-bit sequence counter extended to 64 bits, and the timeval
 * timestamp turned into CLOCK_MONOTONIC nanoseconds when the driver says it is
 * one.
 */

#include <cstdint>
#include <optional>

#include <sys/time.h>

namespace primecam {

/*
 * v4l2_buffer.sequence is 32 bits and wraps (after 2^32 frames, or at once
 * with vivid's "Wrap Sequence Number" control); FrameMetadata's is 64 bits so
 * that gap counting never sees a wrap as a jump backwards. The kernel restarts
 * the count at STREAMON, so reset() goes with every start.
 */
class SequenceCounter
{
public:
	void reset();
	/* The 64-bit sequence of the next dequeued frame. A value lower than
	 * the last one is a wrap: frames only move forward within a stream. */
	uint64_t extend(uint32_t sequence);

private:
	bool started_ = false;
	uint32_t last_ = 0;
	uint64_t wraps_ = 0;
};

/*
 * The buffer's timestamp in CLOCK_MONOTONIC nanoseconds, or nullopt when the
 * driver's timestamp is not on that clock (V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN,
 * or _COPY, which output-to-capture devices use for the application's own
 * value): comparing those with page-flip times would give nonsense latencies.
 */
std::optional<int64_t> monotonicTimestampNs(uint32_t flags, const timeval &timestamp);

} /* namespace primecam */
