/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/directory_watch.h"
#include "base/result.h"
#include "pipeline/sink.h"
#include "pipeline/source.h"
#include "pipeline/stage.h"
#include "pipeline/stage_runner.h"
#include "pipeline/stats.h"

namespace primecam {

class EventLoop;

/*
 * Wires one source, through optional stages (CPU stages on a worker thread,
 * device stages on the loop), to its sinks on one event loop. Every frame fans out to every sink as
 * a copy of the same FrameRef: no pixel is copied, and the buffer returns to its producer (the
 * source, or a converting stage's pool) only when the last holder let go of it.
 *
 * Order matters at both ends: each consumer imports its producer's buffers
 * after the producer allocated them (configure, in data-path order), and
 * consumers stop (releasing their holds) before their producers free them.
 */
class Engine
{
public:
	Engine(EventLoop &loop, std::unique_ptr<Source> source,
	       std::vector<std::unique_ptr<Sink>> sinks);
	Engine(EventLoop &loop, std::unique_ptr<Source> source,
	       std::vector<std::unique_ptr<Stage>> stages,
	       std::vector<std::unique_ptr<Sink>> sinks);
	~Engine();

	Result<void> configure();
	Result<void> start();
	void stop();

	/* Ends the loop after this many captured frames in all (0: no limit).
	 * Raising the limit after the loop ended lets a later run() go on,
	 * which is how the benchmark separates warm-up from measurement. */
	void setFrameLimit(uint64_t frames);
	/*
	 * Who hears that this engine is done: the frame limit reached (code 0)
	 * or a fatal error (code 1; error() says which). Without it the engine
	 * ends the loop itself (EventLoop::exit(code)), as an engine alone on
	 * its loop wants; with several engines on one loop, the owner decides
	 * when the run is over, so that one camera ending does not end the
	 * others. Called from the loop, inside the engine's own handlers: it
	 * must not destroy the engine. It may come more than once (an error
	 * after the frame limit): ask finished() rather than count calls.
	 */
	void setOnFinished(std::function<void(int code)> onFinished);
	/* The frame limit was reached or a fatal error stopped streaming. */
	bool finished() const { return finished_; }

	PipelineStats &stats() { return stats_; }
	const Source &source() const { return *source_; }
	const std::vector<std::unique_ptr<Stage>> &stages() const { return stages_; }
	const std::vector<std::unique_ptr<Sink>> &sinks() const { return sinks_; }
	/* The error that stopped streaming, if one did. */
	const std::optional<Error> &error() const { return error_; }

private:
	void onFrame(FrameRef frame);
	void onError(const Error &error);
	void onSourceError(const Error &error);
	/* Stops, configures and starts everything again; sourceChange: counted
	 * as a source change (else a reconnection). */
	void renegotiate(bool sourceChange);
	void awaitDevice(const Error &lost, Source::OnLoss onLoss);
	void reconnect();
	void fail(const Error &error);
	/* Tells the owner, or ends the loop (setOnFinished). */
	void finish(int code);
	void deliver(FrameRef frame);

	EventLoop &loop_;
	/* Destroyed bottom-up: sinks, then the stages whose pools they held,
	 * then the source. */
	std::unique_ptr<Source> source_;
	std::vector<std::unique_ptr<Stage>> stages_;
	/* Each run of CPU stages, on its worker. */
	std::vector<std::unique_ptr<StageRunner>> runners_;
	/* The chain in order: the runners and the device stages' links; the
	 * first stage of links_[i] is stages_[linkStage_[i]]. */
	std::vector<StageLink *> links_;
	std::vector<size_t> linkStage_;
	std::vector<std::unique_ptr<Sink>> sinks_;
	PipelineStats stats_;
	std::optional<Error> error_;
	std::function<void(int code)> onFinished_;
	std::optional<uint64_t> lastSequence_;
	uint64_t frameLimit_ = 0;
	bool started_ = false;
	bool finished_ = false;	     /* frame limit reached or fatal error */
	bool renegotiating_ = false; /* a renegotiate() is posted */
	/* While the source's device is away (reconnect): /dev watched. */
	std::optional<DirectoryWatch> deviceWatch_;
	int64_t offlineSinceNs_ = 0;
};

} /* namespace primecam */
