/* SPDX-License-Identifier: MIT */
#include "pipeline/engine.h"

#include <cerrno>

#include "base/event_loop.h"
#include "pipeline/buffer_pool.h"

namespace primecam {

Engine::Engine(EventLoop &loop, std::unique_ptr<Source> source,
	       std::vector<std::unique_ptr<Sink>> sinks)
	: Engine(loop, std::move(source), {}, std::move(sinks))
{}

Engine::Engine(EventLoop &loop, std::unique_ptr<Source> source,
	       std::vector<std::unique_ptr<Stage>> stages, std::vector<std::unique_ptr<Sink>> sinks)
	: loop_(loop), source_(std::move(source)), stages_(std::move(stages)),
	  sinks_(std::move(sinks))
{
	/* Consecutive CPU stages share one worker; a device stage is a link
	 * of its own. */
	std::span<const std::unique_ptr<Stage>> all(stages_);
	for (size_t i = 0; i < all.size();) {
		linkStage_.push_back(i);
		if (StageLink *link = all[i]->link()) {
			links_.push_back(link);
			++i;
			continue;
		}
		size_t end = i;
		while (end < all.size() && !all[end]->link())
			++end;
		runners_.push_back(std::make_unique<StageRunner>(all.subspan(i, end - i)));
		links_.push_back(runners_.back().get());
		i = end;
	}
}

Engine::~Engine()
{
	stop();
}

Result<void> Engine::configure()
{
	Result<void> ret = source_->configure();
	if (!ret)
		return ret;
	/* Each consumer sees the buffers of the producer just before it:
	 * in-place and analysis stages pass their input on, a converting stage
	 * its own pool. */
	std::span<const FrameBuffer> buffers = source_->buffers();
	for (auto &stage : stages_) {
		ret = stage->configure(buffers);
		if (!ret)
			return ret;
		if (BufferPool *pool = stage->outputPool())
			buffers = pool->buffers();
		else if (!stage->outputBuffers().empty())
			buffers = stage->outputBuffers();
	}
	for (auto &sink : sinks_) {
		ret = sink->configure(buffers);
		if (!ret)
			return ret;
	}
	return {};
}

Result<void> Engine::start()
{
	for (size_t i = 0; i < sinks_.size(); ++i) {
		/* A start after a renegotiation counts on in the same entries. */
		SinkStats &sinkStats = i < stats_.sinks.size()
					       ? stats_.sinks[i]
					       : stats_.addSink(sinks_[i]->describe());
		Result<void> ret = sinks_[i]->start(loop_, sinkStats);
		if (!ret) {
			/* Not stop(): the engine is not started yet, so it would do
			 * nothing, and the sinks before this one would keep their
			 * display (a plane, DRM master) after the run failed. */
			while (i-- > 0)
				sinks_[i]->stop();
			return ret;
		}
	}
	if (stats_.stages.empty())
		for (auto &stage : stages_)
			stats_.addStage(stage->describe());
	/* Last to first: each link hands its frames to one already started. */
	for (size_t i = links_.size(); i-- > 0;) {
		StageLink::DeliverFn next = [this](FrameRef frame) { deliver(std::move(frame)); };
		if (i + 1 < links_.size())
			next = [link = links_[i + 1]](FrameRef frame) {
				link->submit(std::move(frame));
			};
		Result<void> ret = links_[i]->start(loop_, stats_, linkStage_[i], std::move(next),
						    [this](const Error &error) { onError(error); });
		if (!ret) {
			for (size_t j = i + 1; j < links_.size(); ++j)
				links_[j]->stop();
			for (auto &sink : sinks_)
				sink->stop();
			return ret;
		}
	}
	stats_.startNs = monotonicNowNs();
	started_ = true;
	Result<void> ret = source_->start(
		loop_, stats_, [this](FrameRef frame) { onFrame(std::move(frame)); },
		[this](const Error &error) { onSourceError(error); });
	if (!ret) {
		stop();
		return ret;
	}
	return {};
}

void Engine::stop()
{
	if (!started_)
		return;
	started_ = false;
	stats_.endNs = monotonicNowNs();
	/* Ended while waiting for the camera (SIGINT, --duration). */
	if (deviceWatch_) {
		deviceWatch_.reset();
		stats_.offlineNs += stats_.endNs - offlineSinceNs_;
	}
	/* The stages first, upstream first (the workers read buffers; a
	 * device stage stops converting), then the sinks: they hold buffers
	 * the stages and the source are about to free. */
	for (StageLink *link : links_)
		link->stop();
	for (auto &sink : sinks_)
		sink->stop();
	source_->stop();
}

void Engine::setFrameLimit(uint64_t frames)
{
	frameLimit_ = frames;
	if (!error_)
		finished_ = frames && stats_.captured >= frames;
}

void Engine::onFrame(FrameRef frame)
{
	/*
	 * The loop ends at its next iteration, but a source may deliver several
	 * frames from one wake-up (several buffers ready for DQBUF): once the
	 * run is over, let them go straight back.
	 */
	if (finished_)
		return;

	uint64_t sequence = frame.metadata().sequence;
	if (lastSequence_ && sequence > *lastSequence_ + 1)
		stats_.sequenceGaps += sequence - *lastSequence_ - 1;
	lastSequence_ = sequence;
	if (stats_.captured++ == 0)
		stats_.firstCaptureNs = monotonicNowNs();

	if (!links_.empty())
		links_.front()->submit(std::move(frame));
	else
		deliver(std::move(frame));

	if (frameLimit_ && stats_.captured >= frameLimit_) {
		finished_ = true;
		finish(0);
	}
}

/* By value: the engine's own hold on the frame ends when the fan-out does,
 * not when the caller's scope ends. */
/* NOLINTNEXTLINE(performance-unnecessary-value-param) */
void Engine::deliver(FrameRef frame)
{
	/* After a fatal error nothing more is shown; after the frame limit a
	 * frame still coming out of the stages may be (the loop ends anyway). */
	if (error_)
		return;
	for (auto &sink : sinks_) {
		int ret = sink->consume(frame);
		if (ret < 0) {
			const std::optional<Error> &detail = sink->lastError();
			onError(detail ? *detail : Error::fromErrno(-ret, sink->describe()));
			return;
		}
	}
}

void Engine::onSourceError(const Error &error)
{
	if (error_ || finished_)
		return;
	/* The source changed its format: configured again from the loop, not
	 * from inside the source's own callback. */
	if (error.code == Source::kSourceChanged) {
		if (!renegotiating_) {
			renegotiating_ = true;
			loop_.post([this] { renegotiate(true); });
		}
		return;
	}
	std::optional<Source::OnLoss> onLoss = source_->reconnects();
	if (error.code == ENODEV && onLoss) {
		loop_.post([this, error, onLoss] { awaitDevice(error, *onLoss); });
		return;
	}
	fail(error);
}

void Engine::onError(const Error &error)
{
	fail(error);
}

/*
 * The camera was unplugged and the config asks to wait for it: the source
 * stops (its buffers stay valid for the sinks that hold them), the display
 * holds the last frame or goes black, and every change in /dev asks the
 * source whether its device is back; then everything is configured again.
 */
void Engine::awaitDevice(const Error &lost, Source::OnLoss onLoss)
{
	if (!started_ || error_ || finished_)
		return;
	source_->stop();
	if (onLoss == Source::OnLoss::Black) {
		for (StageLink *link : links_)
			link->stop();
		for (auto &sink : sinks_)
			sink->stop();
	}
	offlineSinceNs_ = monotonicNowNs();
	auto watch = DirectoryWatch::create(loop_, "/dev", [this] {
		if (source_->deviceAvailable())
			loop_.post([this] { reconnect(); });
	});
	if (!watch) {
		fail(Error{lost.code, lost.message + "; and cannot wait for it to come back: " +
					      watch.error().message});
		return;
	}
	deviceWatch_ = std::move(*watch);
	/* It may be back already, before the watch began. */
	if (source_->deviceAvailable())
		loop_.post([this] { reconnect(); });
}

void Engine::reconnect()
{
	if (!deviceWatch_ || !started_ || error_ || finished_)
		return;
	deviceWatch_.reset();
	stats_.offlineNs += monotonicNowNs() - offlineSinceNs_;
	renegotiating_ = true;
	renegotiate(false);
}

void Engine::fail(const Error &error)
{
	if (!error_)
		error_ = error;
	finished_ = true;
	finish(1);
}

void Engine::setOnFinished(std::function<void(int code)> onFinished)
{
	onFinished_ = std::move(onFinished);
}

void Engine::finish(int code)
{
	if (onFinished_)
		onFinished_(code);
	else
		loop_.exit(code);
}

/*
 * Everything stops (the sinks let go of the old buffers, the display goes
 * off), the source allocates at its new format, every stage and sink
 * imports again and checks the new size (TEST_ONLY), and streaming goes on.
 * A new size the display cannot show ends the run with the sink's reason.
 */
void Engine::renegotiate(bool sourceChange)
{
	if (!started_ || error_ || finished_) {
		renegotiating_ = false;
		return;
	}
	/* One run in the stats: its duration spans the change. */
	const int64_t startNs = stats_.startNs;
	stop();
	Result<void> ret = configure();
	if (ret)
		ret = start();
	stats_.startNs = startNs;
	renegotiating_ = false;
	if (!ret) {
		std::optional<Source::OnLoss> onLoss = source_->reconnects();
		if (!sourceChange && ret.error().code == ENODEV && onLoss) {
			/* The node that answered went away again while it was
			 * set up: a driver removing its instances one by one
			 * (vivid's ten in the test VM), a loose cable. The camera
			 * is still away; the engine goes on waiting for it. */
			started_ = true;
			awaitDevice(ret.error(), *onLoss);
			return;
		}
		fail(Error{ret.error().code,
			   std::string(sourceChange ? "after the source changed: "
						    : "after the camera came back: ") +
				   ret.error().message});
		return;
	}
	if (sourceChange)
		++stats_.sourceChanges;
	else
		++stats_.reconnects;
}

} /* namespace primecam */
