/* SPDX-License-Identifier: MIT */
#include "src/doctor.h"

#include <cstdio>

#include "src/config_parser.h"
#include "v4l2/m2m_node.h"

namespace primecam {

const char *doctorVerdictName(DoctorVerdict verdict)
{
	switch (verdict) {
	case DoctorVerdict::ZeroCopy:
		return "zero-copy";
	case DoctorVerdict::Conversion:
		return "one CPU conversion, display side zero-copy";
	case DoctorVerdict::Copy:
		return "not zero-copy: a CPU copy per frame";
	case DoctorVerdict::Impossible:
		return "impossible as configured";
	}
	return "?";
}

std::string DoctorReport::text() const
{
	std::string out;
	for (const std::string &line : lines)
		out += line + "\n";
	out += std::string("verdict: ") + doctorVerdictName(verdict) + "\n";
	return out;
}

int doctorCommand(const std::string &configPath)
{
	Result<PipelineConfig> config = loadConfigFile(configPath);
	if (!config) {
		fprintf(stderr, "primecam: %s\n", config.error().message.c_str());
		return 1;
	}
	/* Each source is its own pipeline (its stages, its sinks): one report
	 * each, headed by the source's name when there are several. */
	bool impossible = false;
	for (size_t i = 0; i < config->sources.size(); ++i) {
		PipelineConfig one = config->forSource(i);
		DoctorReport report = diagnose(one, gatherDoctorFacts(one));
		if (config->sources.size() == 1)
			printf("%s: %s", configPath.c_str(), report.text().c_str());
		else
			printf("%s: source %s:\n%s", configPath.c_str(),
			       config->sources[i].name.c_str(), report.text().c_str());
		impossible = impossible || report.verdict == DoctorVerdict::Impossible;
	}
	/* A converter or scaler the fix may need: what each mem2mem device
	 * reads and writes, and at which sizes, as `primecam list` shows them. */
	if (impossible && !listM2mNodes().empty())
		printf("\nmem2mem devices on this machine (an m2m [[stage]] converts and scales "
		       "with no CPU pass):\n%s",
		       describeM2mNodes().c_str());
	fflush(stdout);
	return impossible ? 1 : 0;
}

} /* namespace primecam */
