/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/verify/verify_result.h"

namespace primecam {

/* How many cases of a run ended in each verdict. */
struct VerifyCounts {
	uint64_t passed = 0;
	uint64_t failed = 0;
	uint64_t notApplicable = 0;
};
VerifyCounts verifyCounts(const std::vector<VerifyResult> &results);

/*
 * The summary for the terminal: a header and one row per case, the columns
 * case, path, pixels, copies, latency, verdict, each as wide as its widest
 * entry, two spaces apart:
 *
 *   case                 path    pixels      copies  latency           verdict
 *   YUYV/640x480/.../p   direct  exact       0       p99 41.2/57.0 ms  pass
 *   NV12/640x480/.../p   convert 812 differ  1 conv  p99 38.0/57.0 ms  FAIL
 *       pixels: frame 41 differs first at (64,0), ...
 *
 * pixels: "exact", "within N", "N differ", or - when not compared; copies:
 * the path's CPU work ("0", "N conv", "N copies", both joined by " + "),
 * "m2m" when only the m2m device converted; latency: capture to flip,
 * p99/bound. A case not applicable has - in every figure column. Each
 * failed or not-applicable row is followed by its reasons, one a line,
 * indented by four spaces. The last line counts the verdicts:
 * "3 cases: 1 passed, 1 failed, 1 not applicable".
 */
std::string verifyTable(const std::vector<VerifyResult> &results);

/*
 * Every field of every result: {"cases": [{"name", "path" (null when not
 * applicable), "verdict" (verifyVerdictName), "reasons", "frames",
 * "displayed", "copies", "conversions", "device_conversions",
 * "reference_copies", "sequence_gaps", "driver_drops", "pixels",
 * "tolerance", "pixels_differing", "pixel_sequence", "latency_p50_ms",
 * "latency_p99_ms", "latency_bound_ms", "fds_leaked", "framebuffers",
 * "gem_handles", "buffers", "seconds", "runs", "timing_judged"}, ...], "passed", "failed",
 * "not_applicable"}. Dump it with error_handler_t::replace, as
 * verifyJsonText does: a name that is not UTF-8 would otherwise throw.
 */
nlohmann::json verifyJson(const std::vector<VerifyResult> &results);

/* verifyJson as the text of a file: indented by 2, invalid UTF-8
 * replaced rather than thrown on, ending in a newline. */
std::string verifyJsonText(const std::vector<VerifyResult> &results);

/*
 * The results as JUnit XML, the dialect GitLab and Jenkins read: one
 * <testsuites> holding one <testsuite name="primecam verify"> with tests,
 * failures, skipped, errors (always 0) and time (s); one <testcase
 * classname="primecam.verify" name=CASE time=S> per result. A failed case
 * has <failure message=FIRST-REASON>every reason, one a line</failure>; a
 * case not applicable has <skipped message=REASONS/> (joined by "; ").
 * Text goes through xmlEscape: whatever a reason holds, the document
 * parses.
 */
std::string verifyJunit(const std::vector<VerifyResult> &results);

} /* namespace primecam */
