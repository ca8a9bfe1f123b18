/* SPDX-License-Identifier: MIT */
#include "pipeline/null_sink.h"

#include "pipeline/stats.h"

namespace primecam {

Result<void> NullSink::configure(std::span<const FrameBuffer>)
{
	return {};
}

Result<void> NullSink::start(EventLoop &, SinkStats &stats)
{
	stats_ = &stats;
	return {};
}

int NullSink::consume(FrameRef frame)
{
	int64_t now = monotonicNowNs();
	++stats_->received;
	stats_->markDisplayed(now);
	stats_->addLatency(frame.metadata(), now);
	return 0;
}

} /* namespace primecam */
