/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <optional>

#include "base/event_loop.h"
#include "base/result.h"
#include "egl/egl_display.h"
#include "egl/gpu_fence.h"
#include "pipeline/frame_ref.h"

namespace primecam {

struct SinkStats;

/*
 * The pacing of a GL sink that draws each frame into its own target (an
 * FBO, a window): one frame on the GPU at a time, held until the GPU is
 * done with it (GpuFence); a frame that arrives meanwhile waits, and a
 * newer one replaces it (DisplayBehind), so the sink never stalls capture.
 * A frame that was uploaded (a copy) goes back to the source as soon as it
 * is drawn. Counts received, displayed (when the GPU finished), latency,
 * copies and drops in the sink's stats.
 */
class GpuFrameQueue
{
public:
	/*
	 * Makes the sink's context current and draws the frame into its
	 * target (a window also swaps): true when the frame was uploaded.
	 * An error names the sink; it stops the pipeline.
	 */
	using DrawFn = std::function<Result<bool>(const FrameBuffer &buffer)>;

	/* allowNative: see GpuFence::arm(). */
	GpuFrameQueue(DrawFn draw, bool allowNative) : draw_(std::move(draw)), native_(allowNative)
	{}
	GpuFrameQueue(const GpuFrameQueue &) = delete;
	GpuFrameQueue &operator=(const GpuFrameQueue &) = delete;

	void start(EglDisplay &display, EventLoop &loop, SinkStats &stats);
	/* 0, or -errno when the draw failed (lastError() says why). */
	int consume(FrameRef frame);
	/* Waits for the frame in flight (glFinish; it counts as displayed)
	 * and releases every frame; one still waiting is dropped (Stopped). */
	void stop();

	const std::optional<Error> &lastError() const { return lastError_; }
	/* The frame whose drawing finished last. */
	uint64_t lastSequence() const { return lastSequence_; }

private:
	int render(FrameRef frame);
	void onGpuDone();
	void finishInFlight();

	DrawFn draw_;
	bool native_;
	EglDisplay *display_ = nullptr;
	EventLoop *loop_ = nullptr;
	SinkStats *stats_ = nullptr;
	FrameRef inFlight_;
	FrameMetadata inFlightMeta_;
	bool busy_ = false;
	GpuFence fence_{[this] { onGpuDone(); }};
	FrameRef waiting_;
	uint64_t lastSequence_ = 0;
	std::optional<Error> lastError_;
};

} /* namespace primecam */
