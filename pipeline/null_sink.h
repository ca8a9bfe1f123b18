/* SPDX-License-Identifier: MIT */
#pragma once

#include "pipeline/sink.h"

namespace primecam {

/* Takes every frame and lets go of it at once: measures the source alone. */
class NullSink : public Sink
{
public:
	std::string describe() const override { return "null"; }
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	void stop() override {}

private:
	SinkStats *stats_ = nullptr;
};

} /* namespace primecam */
