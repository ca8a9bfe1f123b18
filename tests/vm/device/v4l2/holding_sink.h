/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "pipeline/frame_ref.h"
#include "pipeline/sink.h"

namespace primecam::test {

/*
 * A sink that behaves like a display with a deep queue: it keeps each frame
 * until `depth` newer frames have arrived, then lets it go. While it holds a
 * buffer the source must not deliver that buffer again (it would have been
 * requeued to the camera while "on screen"); every delivery is checked
 * against the held set, and what arrived is recorded for the test to inspect.
 */
class HoldingSink : public Sink
{
public:
	explicit HoldingSink(unsigned depth) : depth_(depth) {}

	std::string describe() const override { return "holding sink"; }
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	void stop() override { held_.clear(); }

	struct Arrival {
		uint32_t index;
		uint64_t sequence;
		int64_t timestampNs;
		int64_t arrivedNs; /* CLOCK_MONOTONIC at consume() */
	};
	const std::vector<Arrival> &arrivals() const { return arrivals_; }
	/* Deliveries of a buffer this sink still held: must stay 0. */
	unsigned redelivered() const { return redelivered_; }
	size_t configuredBuffers() const { return configured_; }

private:
	unsigned depth_;
	std::deque<FrameRef> held_;
	std::vector<Arrival> arrivals_;
	unsigned redelivered_ = 0;
	size_t configured_ = 0;
	SinkStats *stats_ = nullptr;
};

} /* namespace primecam::test */
