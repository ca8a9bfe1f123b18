/* SPDX-License-Identifier: MIT */
#include "pipeline/stats.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace primecam {

LatencyRecorder::LatencyRecorder(size_t capacity)
{
	samples_.reserve(capacity);
}

void LatencyRecorder::add(int64_t ns)
{
	if (samples_.size() < samples_.capacity()) {
		samples_.push_back(ns);
	} else if (!samples_.empty()) {
		samples_[next_] = ns;
		next_ = (next_ + 1) % samples_.size();
	}
	++count_;
	max_ = count_ == 1 ? ns : std::max(max_, ns);
}

int64_t LatencyRecorder::percentile(double p) const
{
	if (samples_.empty())
		return 0;
	std::vector<int64_t> sorted(samples_);
	std::sort(sorted.begin(), sorted.end());
	double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
	size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
	return sorted[std::min(index, sorted.size() - 1)];
}

const char *dropReasonName(DropReason reason)
{
	switch (reason) {
	case DropReason::DisplayBehind:
		return "display_behind";
	case DropReason::CaptureError:
		return "capture_error";
	case DropReason::SinkError:
		return "sink_error";
	case DropReason::StageBehind:
		return "stage_behind";
	case DropReason::Stopped:
		return "stopped";
	case DropReason::Count:
		break;
	}
	return "unknown";
}

void SinkStats::markDisplayed(int64_t whenNs)
{
	if (displayed++ == 0)
		firstDisplayedNs = whenNs;
}

void SinkStats::addLatency(const FrameMetadata &frame, int64_t shownNs)
{
	if (frame.timestampTrust == TimestampTrust::Trusted && shownNs >= frame.timestampNs)
		latency.add(shownNs - frame.timestampNs);
}

uint64_t SinkStats::droppedTotal() const
{
	uint64_t total = 0;
	for (uint64_t n : dropped)
		total += n;
	return total;
}

SinkStats &PipelineStats::addSink(std::string name)
{
	SinkStats &sink = sinks.emplace_back();
	sink.name = std::move(name);
	return sink;
}

StageStats &PipelineStats::addStage(std::string name)
{
	StageStats &stage = stages.emplace_back();
	stage.name = std::move(name);
	return stage;
}

uint64_t PipelineStats::copies() const
{
	uint64_t total = sourceCopies;
	for (const SinkStats &sink : sinks)
		total += sink.copies;
	return total;
}

uint64_t PipelineStats::restartCount() const
{
	uint64_t total = 0;
	for (const auto &entry : restarts)
		total += entry.second;
	return total;
}

int64_t monotonicNowNs()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} /* namespace primecam */
