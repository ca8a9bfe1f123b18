/* SPDX-License-Identifier: MIT */
#include "src/doctor.h"

#include <cstdio>

#include "src/config_parser.h"

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
	DoctorReport report = diagnose(*config, gatherDoctorFacts(*config));
	printf("%s: %s", configPath.c_str(), report.text().c_str());
	fflush(stdout);
	return report.verdict == DoctorVerdict::Impossible ? 1 : 0;
}

} /* namespace primecam */
