/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "pipeline/frame.h"

namespace primecam {

/* "in_future", "not_monotonic"...: the stats JSON's names. */
const char *timestampTrustName(TimestampTrust trust);

/*
 * Decides whether a capture timestamp can be used for latency. A driver's
 * timestamp is taken on CLOCK_MONOTONIC when the frame completes, so at
 * dequeue it lies in the past, by less than the pipeline's depth, and each
 * frame's follows the previous one's by about a frame period. A timestamp
 * that breaks these (vivid's "Wrap Timestamp" puts it 16 s before the 32-bit
 * tv_sec wrap, in the future; a driver on another clock; a clock reset)
 * would turn latency into nonsense such as -9223371967134 ms, so the frame
 * is left out of the figures and counted by reason.
 */
class TimestampCheck
{
public:
	/* A driver's clock read and ours read at dequeue can differ by their
	 * granularity; a capture "in the future" by more is no capture time. */
	static constexpr int64_t kFutureSlackNs = 10'000'000;
	/* No frame waits this long between capture and dequeue: the queue
	 * holds a few frames, well under a second even at 5 fps. */
	static constexpr int64_t kMaxAgeNs = 10'000'000'000;
	/* Consecutive frames more than this apart (at 1 fps, ten lost
	 * frames) mean a clock that jumped, not a gap in the stream. */
	static constexpr int64_t kMaxStepNs = 10'000'000'000;

	/* The trust of a frame captured at timestampNs and dequeued at
	 * nowNs. The previous frame is the previous trusted one. */
	TimestampTrust judge(int64_t timestampNs, int64_t nowNs);
	/* After a restart of the stream: the next frame has no predecessor. */
	void reset() { previousNs_.reset(); }

private:
	std::optional<int64_t> previousNs_;
};

} /* namespace primecam */
