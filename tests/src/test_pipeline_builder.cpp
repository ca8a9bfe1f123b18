/* SPDX-License-Identifier: MIT */
/* buildPipeline with several sources: each source's stages and sinks go to
 * its own parts, in config order. Nothing is configured, so no device is
 * opened (V4L2 mmap capture and null sinks touch nothing until then). */
#include <string>

#include <gtest/gtest.h>

#include "src/config_parser.h"
#include "src/pipeline_builder.h"

namespace primecam {
namespace {

std::string namedSource(const std::string &name, const std::string &device)
{
	return "[[source]]\nname = \"" + name + "\"\ntype = \"v4l2\"\ndevice = \"" + device +
	       "\"\nformat = \"XRGB8888\"\nwidth = 640\nheight = 480\n\n";
}

TEST(PipelineBuilder, EachSourceGetsItsOwnStagesAndSinks)
{
	Result<PipelineConfig> config = parseConfig(
		namedSource("front", "/dev/video0") + namedSource("back", "/dev/video1") +
			"[[sink]]\ntype = \"null\"\nsource = \"back\"\n"
			"[[stage]]\ntype = \"invert\"\nsource = \"back\"\n"
			"[[sink]]\ntype = \"null\"\nsource = \"front\"\n"
			"[[sink]]\ntype = \"null\"\nsource = \"back\"\n"
			"[[stage]]\ntype = \"luma\"\nsource = \"back\"\n",
		"x.toml");
	ASSERT_TRUE(config) << config.error().message;
	Result<PipelineParts> parts = buildPipeline(*config);
	ASSERT_TRUE(parts) << parts.error().message;
	ASSERT_EQ(parts->sources.size(), 2u);

	const SourceParts &front = parts->sources[0];
	EXPECT_EQ(front.name, "front");
	ASSERT_TRUE(front.source);
	EXPECT_NE(front.source->describe().find("/dev/video0"), std::string::npos)
		<< front.source->describe();
	EXPECT_TRUE(front.stages.empty());
	EXPECT_EQ(front.sinks.size(), 1u);

	const SourceParts &back = parts->sources[1];
	EXPECT_EQ(back.name, "back");
	EXPECT_NE(back.source->describe().find("/dev/video1"), std::string::npos);
	ASSERT_EQ(back.stages.size(), 2u);
	EXPECT_EQ(back.stages[0]->describe(), "invert");
	EXPECT_EQ(back.stages[1]->describe(), "luma");
	EXPECT_EQ(back.sinks.size(), 2u);
	EXPECT_EQ(parts->firstKms, nullptr);
}

TEST(PipelineBuilder, OneSourceIsOneSourcesParts)
{
	Result<PipelineConfig> config =
		parseConfig("[source]\ntype = \"v4l2\"\ndevice = \"/dev/video0\"\nformat = "
			    "\"XRGB8888\"\nwidth = 640\nheight = 480\n[[sink]]\ntype = \"null\"\n",
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	Result<PipelineParts> parts = buildPipeline(*config);
	ASSERT_TRUE(parts) << parts.error().message;
	ASSERT_EQ(parts->sources.size(), 1u);
	EXPECT_EQ(parts->sources[0].name, "source");
	EXPECT_EQ(parts->sources[0].sinks.size(), 1u);
}

} /* namespace */
} /* namespace primecam */
