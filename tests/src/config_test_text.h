/* SPDX-License-Identifier: MIT */
#pragma once
/* The config texts and helpers the config parser tests share. */

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "src/config_parser.h"

namespace primecam {
namespace {

const char kSource[] = R"([source]
type = "v4l2"
device = "vivid"
format = "XRGB8888"
width = 640
height = 480

)";
const std::string kMinimal = std::string(kSource) + "[[sink]]\ntype = \"null\"\n";

/* The error message of parsing text, or "" when it parsed. */
inline std::string errorOf(const std::string &text, const char *file = "x.toml")
{
	Result<PipelineConfig> config = parseConfig(text, file);
	if (config)
		return "";
	EXPECT_EQ(config.error().code, EINVAL);
	return config.error().message;
}

/* A kms sink config around the given sink keys. */
inline std::string withKmsSink(const std::string &keys)
{
	return std::string(kSource) + "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n" + keys;
}

/* kSource, the given [[stage]] tables, then a null sink. */
inline std::string withStages(const std::string &stages)
{
	return std::string(kSource) + stages + "[[sink]]\ntype = \"null\"\n";
}

const char kLibcamera[] = R"([source]
type = "libcamera"
camera = "platform/vimc.0 Sensor B"
format = "BGR888"
width = 636
height = 480
buffers = 6

[[sink]]
type = "null"
)";

} /* namespace */
} /* namespace primecam */
