/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "drm/display_counters.h"
#include "pipeline/stats.h"

namespace primecam {

/* Milestones of a run's start-up, CLOCK_MONOTONIC ns; 0 for one not
 * reached. The first capture and the first frame shown are in the
 * PipelineStats (firstCaptureNs, each sink's firstDisplayedNs). */
struct StartupTimes {
	/* when the process began (base/process_start.h) */
	int64_t processNs = 0;
	/* the config file read and checked */
	int64_t configParsedNs = 0;
	/* every device configured: buffers exported and imported, the
	 * display's TEST_ONLY commit passed */
	int64_t configuredNs = 0;
};

/* One source of a run, for the JSON's "sources" array. */
struct SourceReport {
	std::string name;   /* the config's name for it */
	std::string device; /* its describe(), as RunReport::source */
	/* nullptr when the run failed before its pipeline existed. */
	const PipelineStats *stats = nullptr;
	std::vector<std::string> adjustments;
	/* The error that stopped this source's pipeline, if one did. */
	std::optional<Error> error;
};

/* One display (kms sinks' or a gl-kms sink's), with what its commits did. */
struct DisplayReport {
	std::string card; /* its describe() */
	DisplayCounters counters;
};

/* What `primecam run --stats FILE.json` records about one run. The
 * top-level source, stats and adjustments are the first source's (what
 * they were before configs had several); sources has every one. */
struct RunReport {
	std::string configFile;
	/* The source's describe(), or the configured device when the run
	 * failed before the source existed. */
	std::string source;
	/* nullptr when the run failed before a pipeline existed: the counters
	 * are then written as zero. */
	const PipelineStats *stats = nullptr;
	/* Set when the run failed; written as "error" (and "errno"). */
	std::optional<Error> error;
	/* The signal (SIGINT, SIGTERM) that ended the run, 0 if none. */
	int signal = 0;
	/* What the device changed from the config (a slower frame rate, a
	 * rounded size): the source's adjustments(). */
	std::vector<std::string> adjustments;
	StartupTimes startup;
	/* Every source in config order; none: no "sources" array. */
	std::vector<SourceReport> sources;
	/* Every display; none: no "displays" array. */
	std::vector<DisplayReport> displays;
};

/* Start-up in ms from the process's start: config_parsed, configured,
 * first_capture, first_display (the earliest first frame of any sink);
 * a milestone not reached is left out. */
struct StartupMs {
	std::optional<double> configParsed;
	std::optional<double> configured;
	std::optional<double> firstCapture;
	std::optional<double> firstDisplay;
};
StartupMs startupMs(const StartupTimes &times, const PipelineStats &stats);

/*
 * The report as a JSON document: captured, capture_errors, sequence_gaps,
 * duration_s, fps, copies, config, source, and per sink name, received,
 * displayed, dropped {reason: count, ..., total}, copies and latency_ms
 * {p50, p95, p99, max, count}; "adjustments" (what the device changed
 * from the config); "startup_ms" (StartupMs); "error"/"errno" and
 * "interrupted_by" when they apply; "sources", one object per source:
 * name, device, the same counters as the top level for its own pipeline,
 * its adjustments, and "error"/"errno" when it failed; "displays", one
 * object per display (kms sinks' or gl-kms's): card, commits, plane_updates,
 * max_planes_per_commit, overlapping_commits, busy. Never throws: text
 * that is not UTF-8 (a driver's card name) is replaced, not refused.
 */
std::string statsJson(const RunReport &report);

/* Writes statsJson(report) to path (created or truncated). */
Result<void> writeStatsFile(const std::string &path, const RunReport &report);

} /* namespace primecam */
