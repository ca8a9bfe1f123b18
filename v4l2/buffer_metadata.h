/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Turning what VIDIOC_DQBUF says about a frame's time into FrameMetadata:
 * the timeval timestamp as CLOCK_MONOTONIC nanoseconds when the driver says
 * it is one. (Its sequence goes through pipeline/sequence_counter.h.)
 */

#include <cstdint>
#include <optional>

#include <sys/time.h>

namespace primecam {

/*
 * The buffer's timestamp in CLOCK_MONOTONIC nanoseconds, or nullopt when the
 * driver's timestamp is not on that clock (V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN,
 * or _COPY, which output-to-capture devices use for the application's own
 * value): comparing those with page-flip times would give nonsense latencies.
 */
std::optional<int64_t> monotonicTimestampNs(uint32_t flags, const timeval &timestamp);

} /* namespace primecam */
