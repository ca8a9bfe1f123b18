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

namespace {

/* The indices of the tables in list that take source index. */
template<typename Table>
std::vector<size_t> tablesOf(const std::vector<Table> &list, size_t index)
{
	std::vector<size_t> found;
	for (size_t i = 0; i < list.size(); ++i)
		if (list[i].source == index)
			found.push_back(i);
	return found;
}

} /* namespace */

std::vector<size_t> PipelineConfig::stagesOf(size_t index) const
{
	return tablesOf(stages, index);
}

std::vector<size_t> PipelineConfig::sinksOf(size_t index) const
{
	return tablesOf(sinks, index);
}

} /* namespace primecam */
