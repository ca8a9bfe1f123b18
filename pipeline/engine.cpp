/* SPDX-License-Identifier: MIT */
#include "pipeline/engine.h"

#include "base/event_loop.h"

namespace primecam {

Engine::Engine(EventLoop &loop, std::unique_ptr<Source> source,
	       std::vector<std::unique_ptr<Sink>> sinks)
	: loop_(loop), source_(std::move(source)), sinks_(std::move(sinks))
{}

Engine::~Engine()
{
	stop();
}

Result<void> Engine::configure()
{
	Result<void> ret = source_->configure();
	if (!ret)
		return ret;
	for (auto &sink : sinks_) {
		ret = sink->configure(source_->buffers());
		if (!ret)
			return ret;
	}
	return {};
}

Result<void> Engine::start()
{
	for (auto &sink : sinks_) {
		Result<void> ret = sink->start(loop_, stats_.addSink(sink->describe()));
		if (!ret) {
			stop();
			return ret;
		}
	}
	stats_.startNs = monotonicNowNs();
	started_ = true;
	Result<void> ret = source_->start(
		loop_, stats_, [this](FrameRef frame) { onFrame(std::move(frame)); },
		[this](const Error &error) { onError(error); });
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
	/* Sinks first: they hold buffers the source is about to free. */
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
	++stats_.captured;

	for (auto &sink : sinks_) {
		int ret = sink->consume(frame);
		if (ret < 0) {
			const std::optional<Error> &detail = sink->lastError();
			onError(detail ? *detail : Error::fromErrno(-ret, sink->describe()));
			return;
		}
	}
	frame.reset();

	if (frameLimit_ && stats_.captured >= frameLimit_) {
		finished_ = true;
		loop_.exit(0);
	}
}

void Engine::onError(const Error &error)
{
	if (!error_)
		error_ = error;
	finished_ = true;
	loop_.exit(1);
}

} /* namespace primecam */
