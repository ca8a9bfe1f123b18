/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.h"
#include "pipeline/sink.h"
#include "pipeline/source.h"
#include "pipeline/stats.h"

namespace primecam {

class EventLoop;

/*
 * Wires one source to its sinks on one event loop. Every frame fans out to
 * every sink as a copy of the same FrameRef: no pixel is copied, and the
 * buffer returns to the source only when the last sink let go of it.
 *
 * Order matters at both ends: sinks import the source's buffers after the
 * source allocated them (configure), and sinks stop (releasing their holds)
 * before the source stops and frees them.
 */
class Engine
{
public:
	Engine(EventLoop &loop, std::unique_ptr<Source> source,
	       std::vector<std::unique_ptr<Sink>> sinks);
	~Engine();

	Result<void> configure();
	Result<void> start();
	void stop();

	/* Ends the loop after this many captured frames in all (0: no limit).
	 * Raising the limit after the loop ended lets a later run() go on,
	 * which is how the benchmark separates warm-up from measurement. */
	void setFrameLimit(uint64_t frames);

	PipelineStats &stats() { return stats_; }
	const Source &source() const { return *source_; }
	const std::vector<std::unique_ptr<Sink>> &sinks() const { return sinks_; }
	/* The error that stopped streaming, if one did. */
	const std::optional<Error> &error() const { return error_; }

private:
	void onFrame(FrameRef frame);
	void onError(const Error &error);

	EventLoop &loop_;
	std::unique_ptr<Source> source_;
	std::vector<std::unique_ptr<Sink>> sinks_;
	PipelineStats stats_;
	std::optional<Error> error_;
	std::optional<uint64_t> lastSequence_;
	uint64_t frameLimit_ = 0;
	bool started_ = false;
	bool finished_ = false; /* frame limit reached or fatal error */
};

} /* namespace primecam */
