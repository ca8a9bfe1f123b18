/* SPDX-License-Identifier: MIT */
#include "src/pipeline_config.h"

namespace primecam {

PipelineConfig PipelineConfig::forSource(size_t index) const
{
	PipelineConfig one;
	one.file = file;
	one.sources.push_back(sources.at(index));
	for (size_t i : stagesOf(index))
		one.stages.emplace_back(stages[i]).source = 0;
	for (size_t i : sinksOf(index))
		one.sinks.emplace_back(sinks[i]).source = 0;
	return one;
}

std::string PipelineConfig::sourcePath(size_t index) const
{
	return sources.size() == 1 ? std::string("source")
				   : "source[" + std::to_string(index) + "]";
}

std::vector<size_t> PipelineConfig::stagesOf(size_t index) const
{
	std::vector<size_t> found;
	for (size_t i = 0; i < stages.size(); ++i)
		if (stages[i].source == index)
			found.push_back(i);
	return found;
}

std::vector<size_t> PipelineConfig::sinksOf(size_t index) const
{
	std::vector<size_t> found;
	for (size_t i = 0; i < sinks.size(); ++i)
		if (sinks[i].source == index)
			found.push_back(i);
	return found;
}

} /* namespace primecam */
