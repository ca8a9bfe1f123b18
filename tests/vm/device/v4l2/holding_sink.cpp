/* SPDX-License-Identifier: MIT */
#include "holding_sink.h"

#include "pipeline/stats.h"

namespace primecam::test {

Result<void> HoldingSink::configure(std::span<const FrameBuffer> buffers)
{
	configured_ = buffers.size();
	/* Reserved now: consume() runs on the streaming path. */
	arrivals_.reserve(1024);
	return {};
}

Result<void> HoldingSink::start(EventLoop &, SinkStats &stats)
{
	stats_ = &stats;
	return {};
}

int HoldingSink::consume(FrameRef frame)
{
	const uint32_t index = frame.buffer().index;
	for (const FrameRef &held : held_) {
		if (held.buffer().index == index)
			++redelivered_;
	}
	arrivals_.push_back(
		{index, frame.metadata().sequence, frame.metadata().timestampNs, monotonicNowNs()});
	++stats_->received;
	++stats_->displayed;
	held_.push_back(std::move(frame));
	while (held_.size() > depth_)
		held_.pop_front();
	return 0;
}

} /* namespace primecam::test */
