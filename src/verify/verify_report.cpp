/* SPDX-License-Identifier: MIT */
#include "src/verify/verify_report.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "src/verify/xml_text.h"

namespace primecam {

const char *verifyPathName(VerifyPath path)
{
	switch (path) {
	case VerifyPath::Direct:
		return "direct";
	case VerifyPath::M2m:
		return "m2m";
	case VerifyPath::Conversion:
		return "convert";
	case VerifyPath::GlKms:
		return "gl-kms";
	}
	return "unknown";
}

const char *verifyVerdictName(VerifyVerdict verdict)
{
	switch (verdict) {
	case VerifyVerdict::Pass:
		return "pass";
	case VerifyVerdict::Fail:
		return "FAIL";
	case VerifyVerdict::NotApplicable:
		return "n/a";
	}
	return "unknown";
}

VerifyCounts verifyCounts(const std::vector<VerifyResult> &results)
{
	VerifyCounts counts;
	for (const VerifyResult &result : results) {
		switch (result.verdict) {
		case VerifyVerdict::Pass:
			++counts.passed;
			break;
		case VerifyVerdict::Fail:
			++counts.failed;
			break;
		case VerifyVerdict::NotApplicable:
			++counts.notApplicable;
			break;
		}
	}
	return counts;
}

namespace {

/* value with that many decimals: g++ 12 has no std::format, and
 * std::to_string always gives six. */
std::string fixed(double value, int decimals)
{
	char text[64];
	std::snprintf(text, sizeof(text), "%.*f", decimals, value);
	return text;
}

/* ---- the table ---- */

constexpr size_t kColumns = 6;
using Row = std::array<std::string, kColumns>;

std::string pixelsCell(const VerifyResult &result)
{
	if (result.pixelsDiffering)
		return std::to_string(result.pixelsDiffering) + " differ";
	if (result.pixels.empty() || result.pixels == "not compared")
		return "-";
	return result.pixels;
}

std::string copiesCell(const VerifyResult &result)
{
	if (!result.copies && !result.conversions)
		return result.deviceConversions ? "m2m" : "0";
	std::string cell;
	if (result.conversions)
		cell = std::to_string(result.conversions) + " conv";
	if (result.copies) {
		if (!cell.empty())
			cell += " + ";
		cell += std::to_string(result.copies) + (result.copies == 1 ? " copy" : " copies");
	}
	return cell;
}

std::string latencyCell(const VerifyResult &result)
{
	/* Nothing shown, nothing measured: no 0.0 that reads as instant. */
	if (!result.latencyP99Ms && !result.latencyBoundMs)
		return "-";
	if (!result.latencyBoundMs)
		return "p99 " + fixed(result.latencyP99Ms, 1) + " ms";
	return "p99 " + fixed(result.latencyP99Ms, 1) + "/" + fixed(result.latencyBoundMs, 1) +
	       " ms";
}

Row tableRow(const VerifyResult &result)
{
	if (result.verdict == VerifyVerdict::NotApplicable)
		return {result.name, "-", "-", "-", "-", verifyVerdictName(result.verdict)};
	return {result.name,	     result.path ? verifyPathName(*result.path) : "-",
		pixelsCell(result),  copiesCell(result),
		latencyCell(result), verifyVerdictName(result.verdict)};
}

void appendRow(std::string &text, const Row &row, const std::array<size_t, kColumns> &widths)
{
	for (size_t i = 0; i < kColumns; ++i) {
		text += row[i];
		/* The last column unpadded: no trailing blanks. */
		if (i + 1 < kColumns)
			text.append(widths[i] - row[i].size() + 2, ' ');
	}
	text += '\n';
}

/* A reason of several lines keeps the indent on each; a final newline
 * (an error message's) makes no empty line. */
void appendReason(std::string &text, std::string_view reason)
{
	while (reason.ends_with('\n'))
		reason.remove_suffix(1);
	while (true) {
		size_t newline = reason.find('\n');
		text += "    ";
		text += reason.substr(0, newline);
		text += '\n';
		if (newline == std::string_view::npos)
			break;
		reason.remove_prefix(newline + 1);
	}
}

const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- JUnit ---- */

std::string joined(const std::vector<std::string> &lines, std::string_view separator)
{
	std::string text;
	for (const std::string &line : lines) {
		if (!text.empty())
			text += separator;
		text += line;
	}
	return text;
}

void appendTestcase(std::string &xml, const VerifyResult &result)
{
	xml += "    <testcase classname=\"primecam.verify\" name=\"" + xmlEscape(result.name) +
	       "\" time=\"" + fixed(result.seconds, 3) + "\"";
	switch (result.verdict) {
	case VerifyVerdict::Pass:
		xml += "/>\n";
		return;
	case VerifyVerdict::Fail: {
		std::string message = result.reasons.empty() ? "failed" : result.reasons.front();
		xml += ">\n      <failure message=\"" + xmlEscape(message) + "\">" +
		       xmlEscape(joined(result.reasons, "\n")) + "</failure>\n";
		break;
	}
	case VerifyVerdict::NotApplicable: {
		std::string message =
			result.reasons.empty() ? "not applicable" : joined(result.reasons, "; ");
		xml += ">\n      <skipped message=\"" + xmlEscape(message) + "\"/>\n";
		break;
	}
	}
	xml += "    </testcase>\n";
}

} /* namespace */

std::string verifyTable(const std::vector<VerifyResult> &results)
{
	std::vector<Row> rows;
	rows.reserve(results.size() + 1);
	rows.push_back({"case", "path", "pixels", "copies", "latency", "verdict"});
	for (const VerifyResult &result : results)
		rows.push_back(tableRow(result));
	std::array<size_t, kColumns> widths{};
	for (const Row &row : rows)
		for (size_t i = 0; i < kColumns; ++i)
			widths[i] = std::max(widths[i], row[i].size());

	std::string text;
	appendRow(text, rows[0], widths);
	for (size_t i = 0; i < results.size(); ++i) {
		appendRow(text, rows[i + 1], widths);
		if (results[i].verdict != VerifyVerdict::Pass)
			for (const std::string &reason : results[i].reasons)
				appendReason(text, reason);
	}
	VerifyCounts counts = verifyCounts(results);
	text += std::to_string(results.size()) + plural(results.size(), " case: ", " cases: ") +
		std::to_string(counts.passed) + " passed, " + std::to_string(counts.failed) +
		" failed, " + std::to_string(counts.notApplicable) + " not applicable\n";
	return text;
}

nlohmann::json verifyJson(const std::vector<VerifyResult> &results)
{
	nlohmann::json cases = nlohmann::json::array();
	for (const VerifyResult &r : results) {
		cases.push_back({
			{"name", r.name},
			{"path",
			 r.path ? nlohmann::json(verifyPathName(*r.path)) : nlohmann::json()},
			{"verdict", verifyVerdictName(r.verdict)},
			{"reasons", r.reasons},
			{"frames", r.frames},
			{"displayed", r.displayed},
			{"copies", r.copies},
			{"conversions", r.conversions},
			{"device_conversions", r.deviceConversions},
			{"reference_copies", r.referenceCopies},
			{"sequence_gaps", r.sequenceGaps},
			{"driver_drops", r.driverDrops},
			{"pixels", r.pixels},
			{"tolerance", r.tolerance},
			{"pixels_differing", r.pixelsDiffering},
			{"pixel_sequence", r.pixelSequence},
			{"latency_p50_ms", r.latencyP50Ms},
			{"latency_p99_ms", r.latencyP99Ms},
			{"latency_bound_ms", r.latencyBoundMs},
			{"fds_leaked", r.fdsLeaked},
			{"framebuffers", r.framebuffers},
			{"gem_handles", r.gemHandles},
			{"buffers", r.buffers},
			{"seconds", r.seconds},
			{"runs", r.runs},
			{"timing_judged", r.timingJudged},
		});
	}
	VerifyCounts counts = verifyCounts(results);
	return {
		{"cases", std::move(cases)},
		{"passed", counts.passed},
		{"failed", counts.failed},
		{"not_applicable", counts.notApplicable},
	};
}

std::string verifyJsonText(const std::vector<VerifyResult> &results)
{
	return verifyJson(results).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
	       "\n";
}

std::string verifyJunit(const std::vector<VerifyResult> &results)
{
	VerifyCounts counts = verifyCounts(results);
	double seconds = 0;
	for (const VerifyResult &result : results)
		seconds += result.seconds;

	std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
	xml += "  <testsuite name=\"primecam verify\" tests=\"" + std::to_string(results.size()) +
	       "\" failures=\"" + std::to_string(counts.failed) + "\" skipped=\"" +
	       std::to_string(counts.notApplicable) + "\" errors=\"0\" time=\"" +
	       fixed(seconds, 3) + "\">\n";
	for (const VerifyResult &result : results)
		appendTestcase(xml, result);
	xml += "  </testsuite>\n</testsuites>\n";
	return xml;
}

} /* namespace primecam */
