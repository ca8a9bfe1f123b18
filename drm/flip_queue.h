/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>

#include "pipeline/frame_ref.h"

namespace primecam {

struct SinkStats;

/*
 * The display's hold on frames, as pure logic (no device): which frame is
 * on screen (active), which one a commit is putting there (queued: the
 * commit is in flight until its page-flip event), and which one waits for
 * that flip (pending).
 *
 * A buffer is released only when the flip that replaced it on screen has
 * happened: before that the display may still be reading it, and a buffer
 * requeued to capture would be overwritten while shown (tearing, or a
 * half-captured picture). A new frame is committed at once when nothing is in
 * flight; while a flip is in flight it waits as pending, and a newer frame
 * replaces a waiting one (the display is behind; the older frame is dropped
 * and counted): showing the latest frame is what keeps latency bounded.
 */
class FlipQueue
{
public:
	/* Issues the (non-blocking) commit that puts frame on screen; 0 or
	 * -errno. It must not call back into the queue. */
	using CommitFn = std::function<int(const FrameRef &frame)>;

	explicit FlipQueue(CommitFn commit);

	/* Where received, displayed, drops and latency are counted; none: not
	 * counted. */
	void setStats(SinkStats *stats) { stats_ = stats; }

	/*
	 * A new frame: committed now if nothing is in flight, else pending
	 * (replacing and dropping any pending one). Returns 0, or the -errno of
	 * a failed commit, in which case the frame was released and counted
	 * as DropReason::SinkError.
	 *
	 * -EBUSY is no failure: the CRTC still has another commit pending (one
	 * the kernel has not finished, another client's), and the frame waits
	 * as pending, counted in busyRetries, until retry(), which the owner
	 * calls at the next vblank. Newer frames replace it meanwhile.
	 */
	int push(FrameRef frame);
	/* After -EBUSY: commits the waiting frame; the same results as push().
	 * 0 and nothing done when no retry is due. */
	int retry();
	bool retryDue() const { return retryDue_; }

	/*
	 * The flip event of the queued frame, timestamped (CLOCK_MONOTONIC ns):
	 * queued becomes active, the frame it replaced is released, the flip is
	 * counted as displayed with latency timestampNs - capture time, and the
	 * pending frame, if any, is committed. Returns that commit's result as
	 * push() does (0 when there was none, -EBUSY for a retry due). An event with nothing in
	 * flight is ignored.
	 */
	int flipped(int64_t timestampNs);

	/* The commit that took the queued frame failed after it was accepted
	 * (a display shared by several sinks commits later, for them all):
	 * the queued frame and the one waiting are released, counted as
	 * DropReason::SinkError. */
	void queuedFailed();

	/*
	 * The display is off (or going): releases pending, queued and active,
	 * in that order. For a queued frame, only once its flip is known to
	 * have finished or been superseded by a blocking commit.
	 */
	void clear();
	/* Releases the pending frame only (counted as dropped: Stopped), so
	 * that no new commit starts while waiting for the one in flight to
	 * finish. */
	void dropPending();

	bool inFlight() const { return static_cast<bool>(queued_); }
	const FrameRef &active() const { return active_; }
	const FrameRef &queued() const { return queued_; }
	const FrameRef &pending() const { return pending_; }

private:
	int commit(FrameRef frame);

	CommitFn commit_;
	SinkStats *stats_ = nullptr;
	FrameRef active_;
	FrameRef queued_;
	FrameRef pending_;
	/* The last commit answered EBUSY: pending_ waits for retry(). */
	bool retryDue_ = false;
};

} /* namespace primecam */
