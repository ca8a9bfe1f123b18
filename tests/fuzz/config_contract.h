/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "src/pipeline_config.h"

namespace primecam {

/*
 * What parseConfig() promises for any input, checked by the fuzzer on every
 * input it makes and by the corpus replay in every build (so a change to the
 * config's shape breaks the host build, not only the clang-only fuzzer):
 * - a config it accepts is one the rest of primecam can use: every source
 *   has a format and a size and feeds a sink, every stage and sink names a
 *   source that exists;
 * - an error it returns starts with "<file>:".
 * Returns what was broken, or an empty string.
 */
std::string configContractBreach(const Result<PipelineConfig> &config, std::string_view file);

} /* namespace primecam */
