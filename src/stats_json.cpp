/* SPDX-License-Identifier: MIT */
#include "src/stats_json.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "pipeline/timestamp_check.h"
#include "src/text_file.h"

namespace primecam {

namespace {

double nsToMs(int64_t ns)
{
	return static_cast<double>(ns) / 1e6;
}

nlohmann::json sinkJson(const SinkStats &sink)
{
	nlohmann::json dropped = nlohmann::json::object();
	for (size_t i = 0; i < sink.dropped.size(); ++i)
		dropped[dropReasonName(static_cast<DropReason>(i))] = sink.dropped[i];
	dropped["total"] = sink.droppedTotal();

	const LatencyRecorder &latency = sink.latency;
	nlohmann::json latencyDoc = {
		{"p50", nsToMs(latency.percentile(50))},
		{"p95", nsToMs(latency.percentile(95))},
		{"p99", nsToMs(latency.percentile(99))},
		{"max", nsToMs(latency.max())},
		{"count", latency.count()},
	};
	/* Frames were shown, but none with a capture time to measure from:
	 * no figures rather than zeros that read as a perfect display. */
	if (sink.displayed && !latency.count())
		latencyDoc = {{"count", 0},
			      {"untrusted", "no frame shown had a capture time primecam could "
					    "trust; timestamps_untrusted says why"}};
	return {
		{"name", sink.name},
		{"received", sink.received},
		{"displayed", sink.displayed},
		{"dropped", dropped},
		{"copies", sink.copies},
		{"latency_ms", latencyDoc},
		{"busy_retries", sink.busyRetries},
	};
}

nlohmann::json untrustedJson(const PipelineStats &stats)
{
	nlohmann::json doc = nlohmann::json::object();
	uint64_t total = 0;
	for (size_t i = 1; i < stats.untrustedTimestamps.size(); ++i) {
		doc[timestampTrustName(static_cast<TimestampTrust>(i))] =
			stats.untrustedTimestamps[i];
		total += stats.untrustedTimestamps[i];
	}
	doc["total"] = total;
	return doc;
}

nlohmann::json restartsJson(const PipelineStats &stats)
{
	nlohmann::json reasons = nlohmann::json::object();
	for (const auto &[reason, n] : stats.restarts)
		reasons[reason] = n;
	return {{"count", stats.restartCount()}, {"reasons", reasons}};
}

nlohmann::json stageJson(const StageStats &stage)
{
	nlohmann::json doc = {
		{"name", stage.name},
		{"processed", stage.processed},
		{"dropped",
		 {{"behind", stage.droppedBehind}, {"no_buffer", stage.droppedNoBuffer}}},
		{"errors", stage.errors},
		{"sync", {{"start", stage.syncStarts}, {"end", stage.syncEnds}}},
		{"conversions", stage.conversions},
		{"cpu_ms",
		 {{"p50", nsToMs(stage.cpuTime.percentile(50))},
		  {"p99", nsToMs(stage.cpuTime.percentile(99))},
		  {"max", nsToMs(stage.cpuTime.max())}}},
	};
	if (stage.queued) {
		doc["device"] = {
			{"conversions", stage.deviceConversions},
			{"latency_ms",
			 {{"p50", nsToMs(stage.latency.percentile(50))},
			  {"p95", nsToMs(stage.latency.percentile(95))},
			  {"max", nsToMs(stage.latency.max())}}},
			{"queue_depth",
			 {{"max", stage.queueDepthMax},
			  {"mean", static_cast<double>(stage.queueDepthSum) /
					   static_cast<double>(stage.queued)}}},
		};
	}
	if (stage.luma.frames) {
		doc["luma"] = {
			{"frames", stage.luma.frames},
			{"mean_last", stage.luma.lastMean},
			{"mean_average", stage.luma.meanOfMeans},
			{"histogram_last", stage.luma.lastHistogram},
		};
	}
	return doc;
}

/* The counters of one source's pipeline: the top level of the document
 * (the first source) and each entry of "sources" have this shape. */
nlohmann::json pipelineJson(const PipelineStats &stats)
{
	/* endNs is 0 while streaming or when streaming never started. */
	int64_t durationNs =
		stats.startNs && stats.endNs > stats.startNs ? stats.endNs - stats.startNs : 0;
	double duration = static_cast<double>(durationNs) / 1e9;
	double fps = duration > 0 ? static_cast<double>(stats.captured) / duration : 0.0;

	nlohmann::json sinks = nlohmann::json::array();
	for (const SinkStats &sink : stats.sinks)
		sinks.push_back(sinkJson(sink));
	nlohmann::json stages = nlohmann::json::array();
	for (const StageStats &stage : stats.stages)
		stages.push_back(stageJson(stage));
	uint64_t conversions = 0;
	for (const StageStats &stage : stats.stages)
		conversions += stage.conversions;

	return {
		{"captured", stats.captured},
		{"capture_errors", stats.captureErrors},
		{"restarts", restartsJson(stats)},
		{"source_changes", stats.sourceChanges},
		{"reconnects", stats.reconnects},
		{"offline_s", static_cast<double>(stats.offlineNs) / 1e9},
		{"sequence_gaps", stats.sequenceGaps},
		{"timestamps_untrusted", untrustedJson(stats)},
		{"source_copies", stats.sourceCopies},
		{"source_dropped", stats.sourceDropped},
		{"duration_s", duration},
		{"fps", fps},
		{"copies", stats.copies()},
		{"conversions", conversions},
		{"stages", stages},
		{"sinks", sinks},
	};
}

void errorJson(nlohmann::json &doc, const std::optional<Error> &error)
{
	if (error) {
		doc["error"] = error->message;
		doc["errno"] = error->code;
	}
}

} /* namespace */

StartupMs startupMs(const StartupTimes &times, const PipelineStats &stats)
{
	StartupMs ms;
	if (!times.processNs)
		return ms;
	auto since = [&](int64_t ns) -> std::optional<double> {
		if (!ns)
			return std::nullopt;
		return nsToMs(ns - times.processNs);
	};
	ms.configParsed = since(times.configParsedNs);
	ms.configured = since(times.configuredNs);
	ms.firstCapture = since(stats.firstCaptureNs);
	int64_t firstDisplay = 0;
	for (const SinkStats &sink : stats.sinks)
		if (sink.firstDisplayedNs &&
		    (!firstDisplay || sink.firstDisplayedNs < firstDisplay))
			firstDisplay = sink.firstDisplayedNs;
	ms.firstDisplay = since(firstDisplay);
	return ms;
}

std::string statsJson(const RunReport &report)
{
	static const PipelineStats kEmpty;
	const PipelineStats &stats = report.stats ? *report.stats : kEmpty;

	nlohmann::json doc = pipelineJson(stats);
	doc["config"] = report.configFile;
	doc["source"] = report.source;
	doc["adjustments"] = report.adjustments;
	if (!report.sources.empty()) {
		nlohmann::json sources = nlohmann::json::array();
		for (const SourceReport &source : report.sources) {
			nlohmann::json entry = pipelineJson(source.stats ? *source.stats : kEmpty);
			entry["name"] = source.name;
			entry["device"] = source.device;
			entry["adjustments"] = source.adjustments;
			errorJson(entry, source.error);
			sources.push_back(std::move(entry));
		}
		doc["sources"] = std::move(sources);
	}
	if (!report.displays.empty()) {
		nlohmann::json displays = nlohmann::json::array();
		for (const DisplayReport &display : report.displays) {
			const DisplayCounters &c = display.counters;
			displays.push_back({{"card", display.card},
					    {"commits", c.commits},
					    {"plane_updates", c.planeUpdates},
					    {"max_planes_per_commit", c.maxPlanesPerCommit},
					    {"overlapping_commits", c.overlapping},
					    {"busy", c.busy}});
		}
		doc["displays"] = std::move(displays);
	}
	StartupMs startup = startupMs(report.startup, stats);
	nlohmann::json startupDoc = nlohmann::json::object();
	for (auto [key, value] : {std::pair{"config_parsed", startup.configParsed},
				  std::pair{"configured", startup.configured},
				  std::pair{"first_capture", startup.firstCapture},
				  std::pair{"first_display", startup.firstDisplay}})
		if (value)
			startupDoc[key] = *value;
	doc["startup_ms"] = startupDoc;
	if (report.signal) {
		const char *abbrev = sigabbrev_np(report.signal);
		doc["interrupted_by"] = abbrev ? std::string("SIG") + abbrev
					       : "signal " + std::to_string(report.signal);
	}
	errorJson(doc, report.error);
	/* replace: a card or driver name that is not UTF-8 must not throw
	 * (nlohmann's default) and lose the whole report. */
	return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<void> writeStatsFile(const std::string &path, const RunReport &report)
{
	return writeTextFile(path, statsJson(report), "stats file");
}

} /* namespace primecam */
