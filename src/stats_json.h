/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "pipeline/stats.h"

namespace primecam {

/* What `primecam run --stats FILE.json` records about one run. */
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
};

/*
 * The report as a JSON document: captured, capture_errors, sequence_gaps,
 * duration_s, fps, copies, config, source, and per sink name, received,
 * displayed, dropped {reason: count, ..., total}, copies and latency_ms
 * {p50, p95, p99, max, count}; "error"/"errno" and "interrupted_by" when
 * they apply. Never throws: text that is not UTF-8 (a driver's card name)
 * is replaced, not refused.
 */
std::string statsJson(const RunReport &report);

/* Writes statsJson(report) to path (created or truncated). */
Result<void> writeStatsFile(const std::string &path, const RunReport &report);

} /* namespace primecam */
