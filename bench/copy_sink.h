/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <vector>

#include "base/mapping.h"
#include "drm/card.h"
#include "drm/dumb_buffer.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * The path primecam exists to avoid, kept for the benchmark: every captured
 * frame is copied by the CPU into a dumb buffer on the display card, which a
 * KmsSink then scans out. The copy is bracketed by DMA_BUF_IOCTL_SYNC on both
 * buffers and counted in SinkStats::copies. Mappings and dumb buffers are
 * made at configure time, so what differs from the zero-copy path per frame
 * is exactly the copy and its two SYNC brackets.
 */
class CopySink : public Sink
{
public:
	explicit CopySink(std::unique_ptr<Sink> display, std::string card);
	~CopySink() override;

	std::string describe() const override;
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	void stop() override;
	const std::optional<Error> &lastError() const override { return display_->lastError(); }

private:
	struct Target {
		DumbBuffer dumb;
		DmaBuf dmabuf;
		Mapping map;
	};

	std::unique_ptr<Sink> display_;
	std::string cardName_;
	std::optional<Card> card_;
	std::vector<Target> targets_;
	std::vector<Mapping> sourceMaps_; /* by source buffer index */
	BufferSlots slots_;
	std::vector<uint32_t> free_;
	SinkStats *stats_ = nullptr;
};

} /* namespace primecam */
