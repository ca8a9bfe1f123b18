/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "src/pipeline_config.h"

namespace primecam {

/*
 * Parses a pipeline config (TOML, keys in configs/README.md). Pure: no file
 * or device is touched, so it is unit-tested and fuzzed on any host.
 *
 * Errors (EINVAL) read "FILE:LINE:COLUMN: KEY: what is wrong", the position
 * being the key's (or the table's, for a missing key), e.g.
 * "configs/x.toml:7:1: sink[0].plane: expected "primary", "overlay" or a
 * plane id, got "top"". Unknown keys, wrong types, missing required keys and
 * out-of-range numbers are all errors: a typo must not silently fall back
 * to a default.
 */
Result<PipelineConfig> parseConfig(std::string_view text, std::string_view fileName);

/* Reads path (errors name it and the errno) and parses it. */
Result<PipelineConfig> loadConfigFile(const std::string &path);

} /* namespace primecam */
