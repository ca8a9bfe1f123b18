/* SPDX-License-Identifier: MIT */
#include "tests/fuzz/config_contract.h"

#include <string>

namespace primecam {

std::string configContractBreach(const Result<PipelineConfig> &config, std::string_view file)
{
	if (!config) {
		const std::string &message = config.error().message;
		if (message.rfind(std::string(file) + ":", 0) != 0)
			return "the error does not start with \"" + std::string(file) +
			       ":\": " + message;
		return {};
	}
	if (config->sources.empty())
		return "accepted without a source";
	for (size_t i = 0; i < config->sources.size(); ++i) {
		const SourceConfig &source = config->sources[i];
		if (!sourceFormat(source) || !sourceWidth(source) || !sourceHeight(source))
			return "source " + std::to_string(i) + " has no format or size";
		if (config->sinksOf(i).empty())
			return "source " + std::to_string(i) + " feeds no sink";
	}
	for (const StageConfig &stage : config->stages)
		if (stage.source >= config->sources.size())
			return "a stage names source " + std::to_string(stage.source);
	for (const SinkConfig &sink : config->sinks)
		if (sink.source >= config->sources.size())
			return "a sink names source " + std::to_string(sink.source);
	return {};
}

} /* namespace primecam */
