/* SPDX-License-Identifier: MIT */
#include "pipeline/stage_runner.h"

#include <cerrno>
#include <ctime>
#include <utility>

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/event_loop.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/stats.h"

namespace primecam {

namespace {

int64_t threadCpuNs()
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} /* namespace */

StageRunner::StageRunner(std::span<const std::unique_ptr<Stage>> stages)
	: stages_(stages), outputs_(stages.size()), work_(stages.size())
{}

StageRunner::~StageRunner()
{
	stop();
}

Result<void> StageRunner::start(EventLoop &loop, PipelineStats &stats, size_t firstStage,
				DeliverFn deliver, ErrorFn onError)
{
	if (stats.stages.size() < firstStage + stages_.size())
		return Error::fromErrno(
			EINVAL, "stage runner: stats have " + std::to_string(stats.stages.size()) +
					" stages, the chain " +
					std::to_string(firstStage + stages_.size()));
	firstStage_ = firstStage;
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return Error::fromErrno(errno, "stage runner: eventfd");
	doneFd_ = UniqueFd(fd);
	int ret = doneWatch_.watch(loop, doneFd_.get(), EPOLLIN,
				   [this](uint32_t) { onWorkerDone(); });
	if (ret < 0) {
		doneFd_.reset();
		return Error::fromErrno(-ret, "stage runner: watching its eventfd");
	}
	stats_ = &stats;
	deliver_ = std::move(deliver);
	onError_ = std::move(onError);
	quit_ = false;
	jobReady_ = jobDone_ = false;
	worker_ = std::thread([this] { workerMain(); });
	running_ = true;
	return {};
}

void StageRunner::stop()
{
	if (!running_)
		return;
	running_ = false;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		quit_ = true;
	}
	wake_.notify_one();
	worker_.join();
	doneWatch_.reset();
	doneFd_.reset();
	/* The worker is gone: the frames may be let go on this thread. */
	input_.reset();
	for (FrameRef &out : outputs_)
		out.reset();
	waiting_.reset();
	busy_ = false;
}

void StageRunner::submit(FrameRef frame)
{
	if (!running_)
		return;
	if (!busy_) {
		startJob(std::move(frame));
		return;
	}
	/* The worker is behind: the newest frame is the one worth showing. */
	if (waiting_)
		++stats_->stages[firstStage_].droppedBehind;
	waiting_ = std::move(frame);
}

void StageRunner::startJob(FrameRef frame)
{
	for (size_t i = 0; i < stages_.size(); ++i) {
		BufferPool *pool = stages_[i]->outputPool();
		if (!pool)
			continue;
		outputs_[i] = pool->acquire(frame.metadata());
		if (!outputs_[i]) {
			/* Every output buffer is still on screen or queued for
			 * it: drop this frame rather than wait. */
			++stats_->stages[firstStage_ + i].droppedNoBuffer;
			for (FrameRef &out : outputs_)
				out.reset();
			return;
		}
	}
	input_ = std::move(frame);
	busy_ = true;
	{
		std::lock_guard<std::mutex> lock(mutex_);
		jobReady_ = true;
	}
	wake_.notify_one();
}

void StageRunner::workerMain()
{
	pthread_setname_np(pthread_self(), "primecam-stage");
	std::unique_lock<std::mutex> lock(mutex_);
	for (;;) {
		wake_.wait(lock, [this] { return quit_ || jobReady_; });
		if (quit_)
			return;
		jobReady_ = false;
		lock.unlock();
		runChain();
		lock.lock();
		jobDone_ = true;
		uint64_t one = 1;
		/* An eventfd write only fails when the counter would overflow,
		 * which one write per frame cannot reach. */
		[[maybe_unused]] ssize_t n = write(doneFd_.get(), &one, sizeof(one));
	}
}

void StageRunner::runChain()
{
	jobError_ = 0;
	const FrameBuffer *current = &input_.buffer();
	const FrameMetadata &metadata = input_.metadata();
	for (size_t i = 0; i < stages_.size(); ++i) {
		StageWork &work = work_[i];
		work = {};
		const FrameBuffer *out = outputs_[i] ? &outputs_[i].buffer() : nullptr;
		int64_t begin = threadCpuNs();
		int ret = stages_[i]->process(*current, metadata, out, work);
		work.cpuNs = threadCpuNs() - begin;
		if (ret < 0) {
			jobError_ = ret;
			failedStage_ = i;
			return;
		}
		if (out)
			current = out;
	}
}

void StageRunner::onWorkerDone()
{
	uint64_t count;
	[[maybe_unused]] ssize_t n = read(doneFd_.get(), &count, sizeof(count));
	{
		std::lock_guard<std::mutex> lock(mutex_);
		if (!jobDone_)
			return;
		jobDone_ = false;
	}

	size_t ran = jobError_ ? failedStage_ + 1 : stages_.size();
	for (size_t i = 0; i < ran; ++i) {
		StageStats &stats = stats_->stages[firstStage_ + i];
		const StageWork &work = work_[i];
		stats.syncStarts += work.syncStarts;
		stats.syncEnds += work.syncEnds;
		if (jobError_ && i == failedStage_) {
			++stats.errors;
			continue;
		}
		++stats.processed;
		stats.cpuTime.add(work.cpuNs);
		if (outputs_[i])
			++stats.conversions;
		if (work.hasLuma) {
			LumaSummary &luma = stats.luma;
			++luma.frames;
			luma.lastMean = work.meanLuma;
			luma.meanOfMeans += (work.meanLuma - luma.meanOfMeans) /
					    static_cast<double>(luma.frames);
			luma.lastHistogram = work.histogram;
		}
	}

	FrameRef result = std::move(input_);
	for (FrameRef &out : outputs_) {
		FrameRef taken = std::exchange(out, FrameRef());
		if (taken)
			result = std::move(taken);
	}
	busy_ = false;

	if (jobError_) {
		result.reset();
		waiting_.reset();
		onError_(
			Error::fromErrno(-jobError_, "stage " + stages_[failedStage_]->describe()));
		return;
	}
	deliver_(std::move(result));

	if (!busy_ && waiting_ && running_)
		startJob(std::move(waiting_));
}

} /* namespace primecam */
