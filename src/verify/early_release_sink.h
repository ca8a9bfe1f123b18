/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include "drm/kms_sink.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * A deliberately broken display, to show that the zero-copy check can fail:
 * a KmsSink that gives each buffer back to the camera as soon as it has
 * taken it, long before the flip that takes it off the screen. The camera
 * then captures into the buffer on screen, which is the bug the rule "a
 * buffer on screen is never requeued" (DEVELOPERS.md) exists to prevent.
 *
 * The KmsSink holds a stand-in for each frame: a hold on a copy of the
 * frame's buffer description (same dma-bufs, so the same framebuffers)
 * from this sink's own slots, which return nothing to anybody.
 */
class EarlyReleaseSink : public Sink
{
public:
	explicit EarlyReleaseSink(std::unique_ptr<KmsSink> kms) : kms_(std::move(kms)) {}

	std::string describe() const override { return kms_->describe() + " (releasing early)"; }
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override
	{
		return kms_->start(loop, stats);
	}
	int consume(FrameRef frame) override;
	void stop() override { kms_->stop(); }
	const std::optional<Error> &lastError() const override { return kms_->lastError(); }

private:
	/* The display holds at most three frames (active, queued, pending):
	 * that many stand-ins per buffer, and one spare. */
	static constexpr uint32_t kStandIns = 4;

	/* Declared first, destroyed last: the KmsSink below holds its
	 * stand-ins. */
	BufferSlots standIns_;
	uint32_t buffers_ = 0;
	std::unique_ptr<KmsSink> kms_;
};

} /* namespace primecam */
