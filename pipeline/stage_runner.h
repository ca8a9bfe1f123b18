/* SPDX-License-Identifier: MIT */
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "base/fd_watch.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "pipeline/frame_ref.h"
#include "pipeline/stage.h"
#include "pipeline/stage_link.h"

namespace primecam {

class EventLoop;
struct PipelineStats;

/*
 * Runs a chain of stages on one worker thread, so that page-flip events and
 * capture keep flowing on the loop thread while a stage works.
 *
 * One frame is in the worker at a time and one more may wait. A frame that
 * arrives while another waits replaces it (the older one is dropped and
 * counted): a slow stage costs frames, never capture, because capture
 * buffers go straight back to the camera instead of queueing up here.
 *
 * FrameRefs never leave the loop thread: the worker only reads the buffers
 * they point at. It signals completion through an eventfd that the loop
 * watches like any other fd.
 */
class StageRunner : public StageLink
{
public:
	/* stages must outlive the runner. */
	explicit StageRunner(std::span<const std::unique_ptr<Stage>> stages);
	~StageRunner() override;

	StageRunner(const StageRunner &) = delete;
	StageRunner &operator=(const StageRunner &) = delete;

	/* stats.stages must have one entry per stage of this runner from
	 * firstStage on, in order. */
	Result<void> start(EventLoop &loop, PipelineStats &stats, size_t firstStage,
			   DeliverFn deliver, ErrorFn onError) override;
	/* Loop thread: a captured frame for the chain. */
	void submit(FrameRef frame) override;
	/* Waits for the frame in the worker, drops every frame held. */
	void stop() override;

	bool isBusy() const { return busy_; }

private:
	void workerMain();
	void startJob(FrameRef frame);
	void onWorkerDone();
	void runChain();

	std::span<const std::unique_ptr<Stage>> stages_;
	PipelineStats *stats_ = nullptr;
	size_t firstStage_ = 0; /* this runner's first entry in stats_->stages */
	DeliverFn deliver_;
	ErrorFn onError_;
	UniqueFd doneFd_;
	FdWatch doneWatch_; /* after doneFd_: ends before the fd closes */

	std::thread worker_;
	std::mutex mutex_;
	std::condition_variable wake_;
	bool jobReady_ = false; /* guarded by mutex_ */
	bool jobDone_ = false;	/* guarded by mutex_ */
	bool quit_ = false;	/* guarded by mutex_ */

	/*
	 * The job. The loop thread writes it before setting jobReady_ and
	 * reads it after seeing jobDone_; the worker uses it in between.
	 */
	FrameRef input_;
	std::vector<FrameRef> outputs_; /* per stage; set for converting ones */
	std::vector<StageWork> work_;	/* per stage */
	int jobError_ = 0;
	size_t failedStage_ = 0;

	FrameRef waiting_;
	bool busy_ = false;
	bool running_ = false;
};

} /* namespace primecam */
