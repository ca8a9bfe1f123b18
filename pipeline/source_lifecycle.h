/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/fd_watch.h"
#include "base/result.h"
#include "pipeline/restart_budget.h"
#include "pipeline/sequence_counter.h"
#include "pipeline/source.h"
#include "pipeline/timestamp_check.h"

namespace primecam {

/*
 * The streaming life of a source, the same for every kind (V4L2, libv4l2,
 * libcamera): one state, one guard on configure() and start(), one rollback
 * path, and the handlers, loop, stats and fd watch a streaming source needs.
 *
 *   Unconfigured -configure-> Configured -start-> Streaming -stop-> Configured
 *   Streaming -(device ends its stream)-> Ended -stop-> Configured
 *   Streaming -(fatal error)-> Lost, until the next configure
 *   Streaming -(recoverable error)-> Streaming, restarted by the source
 *
 * Stopping is the time the device is being brought down (STREAMOFF, a
 * libcamera stop that cancels its requests): frames and buffers coming back
 * then are not delivered nor queued again.
 *
 * The rollback of a failed start() is the source's halt, the same function
 * stop() runs: whatever start() had done is undone by the code that undoes
 * a successful one.
 */
/* The stats' name of a restart after `what` failed with EIO: "VIDIOC_DQBUF
 * returned EIO", or `what` itself when it is no ioctl ("poll reported
 * EPOLLERR"). */
std::string restartReason(std::string_view what);

class SourceLifecycle
{
public:
	enum class State {
		Unconfigured,
		Configured,
		Streaming,
		Stopping,
		Ended,
		Lost
	};

	State state() const { return state_; }
	/* Frames are delivered and returned buffers queued again. */
	bool isDelivering() const { return state_ == State::Streaming; }
	/* start() succeeded and stop() has not run yet (the stream may have
	 * ended or failed since): the device is up. */
	bool isStarted() const { return started_; }

	/* configure()'s guard: refused while streaming or while held buffers
	 * would be freed under their sinks. who names the source. */
	Result<void> checkConfigure(const std::string &who, uint32_t heldBuffers) const;
	/* After configure() succeeded, or after the source released its
	 * buffers (a failed configure, the destructor). */
	void setConfigured(bool configured);

	/*
	 * start(): the guard (configured, not streaming, not lost), then
	 * begin() brings the device up; if it fails, halt() brings it down
	 * again and the watch ends. halt() must cope with a begin() that got
	 * only part of the way (STREAMOFF and libcamera's stop() both do).
	 */
	Result<void> start(const std::string &who, EventLoop &loop, PipelineStats &stats,
			   Source::FrameHandler onFrame, Source::ErrorHandler onError,
			   const std::function<Result<void>()> &begin,
			   const std::function<void()> &halt);
	/* Watches the source's fd on the loop start() was given, from begin(). */
	Result<void> watch(const std::string &what, int fd, uint32_t events,
			   EventLoop::FdCallback callback);

	/* Ends the watch while the stream waits for a buffer to queue (vb2
	 * reports EPOLLERR while nothing is queued); watch() again resumes. */
	void unwatch() { watch_.reset(); }
	bool isWatching() const { return watch_.isActive(); }

	/* stop(): after a start() that succeeded, ends the watch and runs
	 * halt() in the Stopping state; a no-op otherwise. A source that was
	 * lost stays lost. */
	void stop(const std::function<void()> &halt);

	/* The first fatal error: Lost, the watch ends (a dead fd would report
	 * EPOLLERR forever on a level-triggered loop), onError once. */
	void fail(const Error &error);
	/* The source's format changed: its stream is over (Ended, the watch
	 * ends) and onError gets why, with code Source::kSourceChanged, once;
	 * stop() and configure() follow. */
	void changed(const Error &why);
	/* Restarts allowed after a recoverable error; from configure(). */
	void setRestartPolicy(RestartPolicy policy) { restarts_ = RestartBudget(policy); }
	/*
	 * A recoverable streaming error while delivering (EIO: vb2's queue in
	 * its error state). When the restart policy admits one more, the
	 * restart is counted under reason, restart() brings the stream back
	 * (STREAMOFF, requeue, STREAMON) and the sequence continues; an error
	 * from restart() is fatal. Past the limit, error is fatal, with the
	 * limit named.
	 */
	void recover(const Error &error, const std::string &reason,
		     const std::function<Result<void>()> &restart);
	/*
	 * A streaming ioctl or the poll of device failed with code (what names
	 * it). EIO is vb2's queue in its error state (vb2_queue_error(): a DMA
	 * error, a lost sync, vivid's "Inject Fatal Streaming Error"), which
	 * STREAMOFF clears: recover() with restart. Any other errno (ENODEV:
	 * unplugged) is lost().
	 */
	void streamError(int code, std::string_view what, const std::string &device,
			 const std::function<Result<void>()> &restart);
	/* Fatal: "capture device <device> lost (<what>)". */
	void lost(int code, std::string_view what, const std::string &device);
	/* The device ended its stream: Ended, the watch ends, and the loop
	 * exits (a Source has no end-of-stream callback: the end of the only
	 * source is the end of the run). */
	void end();

	/* While started. */
	void deliver(FrameRef frame) { onFrame_(std::move(frame)); }
	/* Before a frame is held: its capture time judged (a source that
	 * already found it NotMonotonic keeps that) and an untrusted one
	 * counted in the stats. */
	void judgeTimestamp(FrameMetadata &meta);
	PipelineStats &stats() { return *stats_; }
	SequenceCounter &sequence() { return sequence_; }

private:
	State state_ = State::Unconfigured;
	/* start() succeeded and stop() has not run: the device is up. */
	bool started_ = false;
	EventLoop *loop_ = nullptr;
	PipelineStats *stats_ = nullptr;
	Source::FrameHandler onFrame_;
	Source::ErrorHandler onError_;
	SequenceCounter sequence_;
	TimestampCheck timestamps_;
	RestartBudget restarts_;
	FdWatch watch_;
};

} /* namespace primecam */
