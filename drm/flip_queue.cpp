/* SPDX-License-Identifier: MIT */
#include "drm/flip_queue.h"

#include <cerrno>
#include <utility>

#include "pipeline/stats.h"

namespace primecam {

FlipQueue::FlipQueue(CommitFn commit) : commit_(std::move(commit))
{}

int FlipQueue::commit(FrameRef frame)
{
	int ret = commit_(frame);
	if (ret == -EBUSY) {
		if (stats_)
			++stats_->busyRetries;
		pending_ = std::move(frame);
		retryDue_ = true;
		return ret;
	}
	if (ret < 0) {
		if (stats_)
			stats_->drop(DropReason::SinkError);
		return ret; /* frame goes out of scope: released */
	}
	queued_ = std::move(frame);
	return 0;
}

int FlipQueue::push(FrameRef frame)
{
	if (stats_)
		++stats_->received;
	if (!queued_ && !retryDue_)
		return commit(std::move(frame));
	if (pending_ && stats_)
		stats_->drop(DropReason::DisplayBehind);
	/* Move-assignment releases the frame that waited. */
	pending_ = std::move(frame);
	return 0;
}

int FlipQueue::flipped(int64_t timestampNs)
{
	if (!queued_)
		return 0;
	if (stats_) {
		stats_->markDisplayed(timestampNs);
		stats_->addLatency(queued_.metadata(), timestampNs);
	}
	/* The frame on screen until this flip is no longer scanned out: only
	 * now may its buffer go back to the producer. */
	active_ = std::move(queued_);
	if (!pending_)
		return 0;
	return commit(std::move(pending_));
}

int FlipQueue::retry()
{
	if (!retryDue_ || queued_)
		return 0;
	retryDue_ = false;
	if (!pending_)
		return 0;
	return commit(std::move(pending_));
}

void FlipQueue::queuedFailed()
{
	for (FrameRef *frame : {&queued_, &pending_}) {
		if (*frame && stats_)
			stats_->drop(DropReason::SinkError);
		frame->reset();
	}
	retryDue_ = false;
}

void FlipQueue::dropPending()
{
	if (pending_ && stats_)
		stats_->drop(DropReason::Stopped);
	pending_.reset();
	retryDue_ = false;
}

void FlipQueue::clear()
{
	retryDue_ = false;
	pending_.reset();
	queued_.reset();
	active_.reset();
}

} /* namespace primecam */
