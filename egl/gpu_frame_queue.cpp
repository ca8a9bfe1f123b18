/* SPDX-License-Identifier: MIT */
#include "egl/gpu_frame_queue.h"

#include <GLES3/gl3.h>

#include "pipeline/stats.h"

namespace primecam {

void GpuFrameQueue::start(EglDisplay &display, EventLoop &loop, SinkStats &stats)
{
	display_ = &display;
	loop_ = &loop;
	stats_ = &stats;
}

int GpuFrameQueue::consume(FrameRef frame)
{
	++stats_->received;
	if (busy_) {
		/* The GPU is still on the last frame: keep the newest only. */
		if (waiting_)
			stats_->drop(DropReason::DisplayBehind);
		waiting_ = std::move(frame);
		return 0;
	}
	return render(std::move(frame));
}

int GpuFrameQueue::render(FrameRef frame)
{
	Result<bool> drawn = draw_(frame.buffer());
	if (!drawn) {
		/* A draw that fails (a lost context, a refused upload) fails
		 * the next one too: stop the pipeline, naming why. */
		stats_->drop(DropReason::SinkError);
		lastError_ = drawn.error();
		return -drawn.error().code;
	}
	inFlightMeta_ = frame.metadata();
	if (*drawn) {
		/* Uploaded: GL copied the pixels already, so the buffer can go
		 * back to the camera now. */
		++stats_->copies;
		frame.reset();
	} else {
		inFlight_ = std::move(frame);
	}
	busy_ = true;
	/* Released when the GPU is done with it (GpuFence says how). */
	fence_.arm(*display_, *loop_, native_);
	return 0;
}

void GpuFrameQueue::finishInFlight()
{
	fence_.cancel();
	inFlight_.reset();
	busy_ = false;
}

void GpuFrameQueue::onGpuDone()
{
	finishInFlight();
	int64_t now = monotonicNowNs();
	stats_->markDisplayed(now);
	stats_->addLatency(inFlightMeta_, now);
	lastSequence_ = inFlightMeta_.sequence;
	/* An error here stops nothing by itself: lastError() has it, and the
	 * next consume() of the same broken draw returns it. */
	if (waiting_)
		render(std::move(waiting_));
}

void GpuFrameQueue::stop()
{
	if (busy_) {
		if (display_ && display_->makeCurrent())
			glFinish();
		finishInFlight();
		if (stats_) {
			stats_->markDisplayed(monotonicNowNs());
			lastSequence_ = inFlightMeta_.sequence;
		}
	}
	/* Received, never drawn: every frame is accounted for. */
	if (waiting_ && stats_)
		stats_->drop(DropReason::Stopped);
	waiting_.reset();
}

} /* namespace primecam */
