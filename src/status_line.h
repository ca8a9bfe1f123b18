/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/event_loop.h"
#include "base/result.h"
#include "pipeline/stats.h"

namespace primecam {

/*
 * The live one-line status of `primecam run` on a terminal: rewritten in
 * place ("\r", then clear to end of line) once a second from an event-loop
 * timer, so that it costs nothing per frame. On anything but a terminal it
 * prints nothing: "\r" lines would only bloat a CI log.
 *
 *   25.0 fps  captured 250  displayed 248  dropped 2  latency p50 41.2 ms p99 48.0 ms
 *
 * With several sinks, displayed/dropped/latency are given per sink. With
 * several sources, each source's fps and drops (all its sinks' together):
 *
 *   front 25.0 fps  dropped 2  | back 24.9 fps  dropped 0
 */
class StatusLine
{
public:
	/* One source's pipeline and its stats, by the config's name. */
	struct Source {
		std::string name;
		const PipelineStats *stats = nullptr;
	};

	/* stats must outlive the StatusLine; fd is where lines go (stderr). */
	StatusLine(const PipelineStats &stats, int fd);
	/* Several sources, in config order (one: as the constructor above). */
	StatusLine(std::vector<Source> sources, int fd);
	~StatusLine();
	StatusLine(const StatusLine &) = delete;
	StatusLine &operator=(const StatusLine &) = delete;

	/* The line for the counters now; fps is over the time since the
	 * previous call (or since streaming started, the first time). */
	std::string update(int64_t nowNs);

	/* Starts the once-a-second timer when fd is a terminal; otherwise
	 * does nothing (and succeeds). */
	Result<void> start(EventLoop &loop);
	/* Cancels the timer and ends the status line with a newline, so that
	 * what follows starts on a line of its own. */
	void stop();

private:
	void tick();
	/* fps of source i since the previous update, and the counters noted. */
	double fpsOf(size_t i, int64_t nowNs);

	std::vector<Source> sources_;
	/* Per source: captured at the previous update. */
	std::vector<uint64_t> lastCaptured_;
	int fd_;
	EventLoop *loop_ = nullptr;
	EventLoop::TimerId timer_ = 0;
	bool shown_ = false;
	int64_t lastNs_ = 0;
};

} /* namespace primecam */
