/* SPDX-License-Identifier: MIT */
#include "src/verify/verify_command.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "src/text_file.h"
#include "src/verify/case_filter.h"
#include "src/verify/case_runner.h"
#include "src/verify/path_choice.h"
#include "src/verify/timing_checks.h"
#include "src/verify/verify_offers.h"
#include "src/verify/verify_report.h"

namespace primecam {

namespace {

bool onlyLatency(const VerifyResult &result)
{
	return std::all_of(
		result.reasons.begin(), result.reasons.end(),
		[](const std::string &reason) { return reason.starts_with("latency:"); });
}

/* One `primecam verify`. */
class VerifySession
{
public:
	explicit VerifySession(const VerifyOptions &options) : options_(options) {}

	int execute();

private:
	bool selected(const CaseSpec &spec) const
	{
		return options_.only.empty() || verifyCaseMatches(options_.only, spec.name());
	}
	const PathChoice &pathOf(const CaseSpec &spec);
	/* The memory and API cases' formats: the first primary case of each
	 * path. */
	std::vector<CaseSpec> representatives(const std::vector<CaseSpec> &formatCases);
	/* One case: not applicable, or run (twice when only its latency
	 * failed). */
	VerifyResult run(const CaseSpec &spec, size_t index, size_t count);
	/* run(), between two progress lines. */
	void verify(const CaseSpec &spec, size_t index, size_t count);
	bool writeReports();

	const VerifyOptions &options_;
	DisplayOffer display_;
	CameraOffer camera_;
	std::map<std::string, PathChoice> paths_; /* by case name: asked once */
	std::vector<VerifyResult> results_;
	/* Why gaps and latency are reported but not judged here, if so. */
	std::optional<std::string> timingNotJudged_ = timingNotJudgedReason();
};

const PathChoice &VerifySession::pathOf(const CaseSpec &spec)
{
	auto it = paths_.find(spec.name());
	if (it == paths_.end())
		it = paths_.emplace(spec.name(),
				    choosePath(spec, camera_, display_, options_.fault))
			     .first;
	return it->second;
}

std::vector<CaseSpec> VerifySession::representatives(const std::vector<CaseSpec> &formatCases)
{
	std::vector<CaseSpec> chosen;
	std::vector<VerifyPath> seen;
	for (const CaseSpec &spec : formatCases) {
		if (spec.overlay || !spec.unmade.empty())
			continue;
		const PathChoice &path = pathOf(spec);
		if (!path.stage ||
		    std::find(seen.begin(), seen.end(), path.stage->path) != seen.end())
			continue;
		seen.push_back(path.stage->path);
		chosen.push_back(spec);
	}
	return chosen;
}

VerifyResult VerifySession::run(const CaseSpec &spec, size_t index, size_t count)
{
	VerifyResult result;
	result.name = spec.name();
	if (!spec.unmade.empty()) {
		result.reasons.push_back(spec.unmade);
		return result;
	}
	const PathChoice &path = pathOf(spec);
	if (!path.stage) {
		result.reasons = path.refusals;
		return result;
	}
	result = runCase(spec.name(), *path.stage, path.configText, options_.frames, options_.fault,
			 timingNotJudged_.has_value());
	/*
	 * A latency beyond the bound with every other check passing is
	 * measured once more: under emulation, or on a loaded machine, one
	 * frame of a short run can wait for the host's scheduler. A path that
	 * is slow is slow twice; the second run's figures stand, and the
	 * report says there were two.
	 */
	if (result.verdict == VerifyVerdict::Fail && onlyLatency(result)) {
		fprintf(stderr, "primecam verify: [%zu/%zu] %s: %s; measuring again\n", index,
			count, spec.name().c_str(), result.reasons.front().c_str());
		result = runCase(spec.name(), *path.stage, path.configText, options_.frames,
				 options_.fault, timingNotJudged_.has_value());
		result.runs = 2;
	}
	return result;
}

void VerifySession::verify(const CaseSpec &spec, size_t index, size_t count)
{
	fprintf(stderr, "primecam verify: [%zu/%zu] %s ...\n", index, count, spec.name().c_str());
	VerifyResult result = run(spec, index, count);
	fprintf(stderr, "primecam verify: [%zu/%zu] %s: %s%s%s\n", index, count,
		spec.name().c_str(), result.path ? verifyPathName(*result.path) : "",
		result.path ? ", " : "", verifyVerdictName(result.verdict));
	results_.push_back(std::move(result));
}

bool VerifySession::writeReports()
{
	bool ok = true;
	if (!options_.jsonPath.empty()) {
		Result<void> written =
			writeTextFile(options_.jsonPath, verifyJsonText(results_), "JSON report");
		if (!written) {
			fprintf(stderr, "primecam: %s\n", written.error().message.c_str());
			ok = false;
		}
	}
	if (!options_.junitPath.empty()) {
		Result<void> written =
			writeTextFile(options_.junitPath, verifyJunit(results_), "JUnit report");
		if (!written) {
			fprintf(stderr, "primecam: %s\n", written.error().message.c_str());
			ok = false;
		}
	}
	return ok;
}

int VerifySession::execute()
{
	Result<DisplayOffer> display = displayOffer(options_.display);
	if (!display) {
		fprintf(stderr, "primecam: verify: %s\n", display.error().message.c_str());
		return 1;
	}
	display_ = std::move(*display);
	Result<CameraOffer> camera = cameraOffer(options_.camera, display_);
	if (!camera) {
		fprintf(stderr, "primecam: verify: %s\n", camera.error().message.c_str());
		return 1;
	}
	camera_ = std::move(*camera);

	std::vector<CaseSpec> formats = formatCases(camera_, display_);
	std::vector<CaseSpec> cases;
	for (const CaseSpec &spec : formats)
		if (selected(spec))
			cases.push_back(spec);
	/* The memory cases need every format's path, which costs a doctor
	 * run each: asked only when --only could select one of them. */
	std::vector<CaseSpec> everyFormat;
	for (const CaseSpec &spec : formats)
		if (!spec.overlay && spec.unmade.empty())
			everyFormat.push_back(spec);
	bool memorySelected = false;
	for (const CaseSpec &spec : memoryCases(everyFormat, camera_))
		memorySelected = memorySelected || selected(spec);
	if (memorySelected)
		for (const CaseSpec &spec : memoryCases(representatives(formats), camera_))
			if (selected(spec))
				cases.push_back(spec);
	if (cases.empty()) {
		fprintf(stderr,
			"primecam: verify: --only %s matches none of the %zu format cases of %s "
			"on %s (names like %s)\n",
			options_.only.c_str(), formats.size(), camera_.describe.c_str(),
			display_.describe.c_str(),
			formats.empty() ? "?" : formats.front().name().c_str());
		return 2;
	}

	printf("primecam verify: %s -> %s, %zu cases, %llu frames each\n", camera_.describe.c_str(),
	       display_.describe.c_str(), cases.size(),
	       static_cast<unsigned long long>(options_.frames));
	fflush(stdout);
	for (size_t i = 0; i < cases.size(); ++i)
		verify(cases[i], i + 1, cases.size());

	printf("%s", verifyTable(results_).c_str());
	if (timingNotJudged_)
		printf("sequence gaps and latency are measured and reported, not judged: %s\n",
		       timingNotJudged_->c_str());
	fflush(stdout);
	bool reported = writeReports();
	bool failed = std::any_of(results_.begin(), results_.end(), [](const VerifyResult &r) {
		return r.verdict == VerifyVerdict::Fail;
	});
	return failed || !reported ? 1 : 0;
}

} /* namespace */

int verifyCommand(const VerifyOptions &options)
{
	VerifySession session(options);
	return session.execute();
}

} /* namespace primecam */
