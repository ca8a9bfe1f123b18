/* SPDX-License-Identifier: MIT */
#include "src/status_line.h"

#include <cerrno>
#include <chrono>
#include <cstdio>

#include <unistd.h>

namespace primecam {

namespace {

std::string fixed(double value, int decimals)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.*f", decimals, value);
	return buf;
}

std::string sinkPart(const SinkStats &sink)
{
	return "displayed " + std::to_string(sink.displayed) + "  dropped " +
	       std::to_string(sink.droppedTotal()) + "  latency p50 " +
	       fixed(static_cast<double>(sink.latency.percentile(50)) / 1e6, 1) + " ms p99 " +
	       fixed(static_cast<double>(sink.latency.percentile(99)) / 1e6, 1) + " ms";
}

} /* namespace */

StatusLine::StatusLine(const PipelineStats &stats, int fd) : stats_(stats), fd_(fd)
{}

StatusLine::~StatusLine()
{
	stop();
}

std::string StatusLine::update(int64_t nowNs)
{
	int64_t since = lastNs_ ? lastNs_ : stats_.startNs;
	double fps = 0;
	if (since && nowNs > since) {
		fps = static_cast<double>(stats_.captured - lastCaptured_) * 1e9 /
		      static_cast<double>(nowNs - since);
	}
	lastNs_ = nowNs;
	lastCaptured_ = stats_.captured;

	std::string line = fixed(fps, 1) + " fps  captured " + std::to_string(stats_.captured);
	/* A board's viewer rides out driver errors: say that it did. */
	if (uint64_t restarts = stats_.restartCount())
		line += "  restarts " + std::to_string(restarts);
	if (stats_.sinks.size() == 1) {
		line += "  " + sinkPart(stats_.sinks.front());
	} else {
		for (size_t i = 0; i < stats_.sinks.size(); ++i)
			line += "  | sink " + std::to_string(i) + ": " + sinkPart(stats_.sinks[i]);
	}
	return line;
}

Result<void> StatusLine::start(EventLoop &loop)
{
	if (!isatty(fd_))
		return {};
	using namespace std::chrono_literals;
	Result<EventLoop::TimerId> timer = loop.addTimer(1s, 1s, [this] { tick(); });
	if (!timer)
		return Error{timer.error().code, "status line timer: " + timer.error().message};
	loop_ = &loop;
	timer_ = *timer;
	return {};
}

void StatusLine::stop()
{
	if (loop_) {
		loop_->cancelTimer(timer_);
		loop_ = nullptr;
	}
	if (shown_) {
		shown_ = false;
		/* Best effort: a terminal that went away loses only cosmetics. */
		[[maybe_unused]] ssize_t n = ::write(fd_, "\n", 1);
	}
}

void StatusLine::tick()
{
	/* \r back to the start of the line, then ESC [ K erases whatever the
	 * previous, longer line left to the right. */
	std::string text = "\r" + update(monotonicNowNs()) + "\x1b[K";
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		done += static_cast<size_t>(n);
	}
	shown_ = true;
}

} /* namespace primecam */
