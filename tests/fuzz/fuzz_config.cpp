/* SPDX-License-Identifier: MIT */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "src/config_parser.h"

/*
 * libFuzzer entry: any bytes through the pure config parser. It must return
 * a config or an error for every input: no crash, no hang, no leak, no
 * uncaught exception (toml++ is built without them).
 */
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	primecam::Result<primecam::PipelineConfig> config =
		primecam::parseConfig(text, "fuzz.toml");
	/* A success must be a config the rest of primecam can use. */
	if (config.ok() && (config->sinks.empty() || !sourceFormat(config->source) ||
			    !sourceWidth(config->source) || !sourceHeight(config->source)))
		__builtin_trap();
	/* A failure must say where. */
	if (!config.ok() && config.error().message.rfind("fuzz.toml:", 0) != 0)
		__builtin_trap();
	return 0;
}
