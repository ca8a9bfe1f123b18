/* SPDX-License-Identifier: MIT */
#include "src/status_line.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <utility>

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

StatusLine::StatusLine(const PipelineStats &stats, int fd) : StatusLine({{"", &stats}}, fd)
{}

StatusLine::StatusLine(std::vector<Source> sources, int fd)
	: sources_(std::move(sources)), lastCaptured_(sources_.size(), 0), fd_(fd)
{}

StatusLine::~StatusLine()
{
	stop();
}

double StatusLine::fpsOf(size_t i, int64_t nowNs)
{
	const PipelineStats &stats = *sources_[i].stats;
	int64_t since = lastNs_ ? lastNs_ : stats.startNs;
	double fps = 0;
	if (since && nowNs > since) {
		fps = static_cast<double>(stats.captured - lastCaptured_[i]) * 1e9 /
		      static_cast<double>(nowNs - since);
	}
	lastCaptured_[i] = stats.captured;
	return fps;
}

std::string StatusLine::update(int64_t nowNs)
{
	std::string line;
	if (sources_.empty())
		return line;
	if (sources_.size() > 1) {
		/* One camera each: the rate, and the frames its sinks did not
		 * show; the details are in the summary at the end. */
		for (size_t i = 0; i < sources_.size(); ++i) {
			const PipelineStats &stats = *sources_[i].stats;
			uint64_t dropped = 0;
			for (const SinkStats &sink : stats.sinks)
				dropped += sink.droppedTotal();
			line += (i ? "  | " : "") + sources_[i].name + " " +
				fixed(fpsOf(i, nowNs), 1) + " fps  dropped " +
				std::to_string(dropped);
		}
		lastNs_ = nowNs;
		return line;
	}

	const PipelineStats &stats = *sources_.front().stats;
	line = fixed(fpsOf(0, nowNs), 1) + " fps  captured " + std::to_string(stats.captured);
	lastNs_ = nowNs;
	/* A board's viewer rides out driver errors: say that it did. */
	if (uint64_t restarts = stats.restartCount())
		line += "  restarts " + std::to_string(restarts);
	if (stats.sinks.size() == 1) {
		line += "  " + sinkPart(stats.sinks.front());
	} else {
		for (size_t i = 0; i < stats.sinks.size(); ++i)
			line += "  | sink " + std::to_string(i) + ": " + sinkPart(stats.sinks[i]);
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
