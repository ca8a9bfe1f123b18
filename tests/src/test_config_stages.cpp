/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "src/config_parser.h"
#include "tests/src/config_test_text.h"

namespace primecam {
namespace {

TEST(ConfigParser, StagesKeepTheirOrderAndDefaults)
{
	Result<PipelineConfig> config =
		parseConfig(withStages("[[stage]]\ntype = \"luma\"\n[[stage]]\ntype = \"convert\"\n"
				       "[[stage]]\ntype = \"overlay\"\nscale = 3\n"),
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	ASSERT_EQ(config->stages.size(), 3u);
	EXPECT_EQ(config->stages[0].type, StageConfig::Type::Luma);
	const StageConfig &convert = config->stages[1];
	EXPECT_EQ(convert.type, StageConfig::Type::Convert);
	ASSERT_NE(convert.format, nullptr);
	EXPECT_EQ(convert.format->name, "XRGB8888");
	/* No matrix or range: the frames' own encoding is read. */
	EXPECT_TRUE(convert.encoding.empty());
	EXPECT_FALSE(convert.pool.has_value()); /* chosen for the sinks */
	EXPECT_EQ(convert.buffers, 4u);
	EXPECT_EQ(config->stages[2].type, StageConfig::Type::Overlay);
	EXPECT_EQ(config->stages[2].scale, 3u);
}

TEST(ConfigParser, ConvertStageReadsEveryKey)
{
	Result<PipelineConfig> config = parseConfig(
		withStages(
			"[[stage]]\ntype = \"convert\"\nformat = \"AB24\"\nmatrix = \"bt709\"\n"
			"range = \"full\"\npool = \"dumb\"\npool_card = \"vkms\"\nbuffers = 6\n"),
		"x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const StageConfig &convert = config->stages.at(0);
	EXPECT_EQ(convert.format->name, "ABGR8888");
	EXPECT_EQ(convert.encoding.matrix, YuvMatrix::Bt709);
	EXPECT_EQ(convert.encoding.range, YuvRange::Full);
	EXPECT_EQ(convert.pool, PoolKind::Dumb);
	EXPECT_EQ(convert.poolCard, "vkms");
	EXPECT_EQ(convert.buffers, 6u);
}

TEST(ConfigParser, StageErrorsNameTheStageAndKey)
{
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"sharpen\"\n")),
		  "x.toml:9:1: stage[0].type: expected \"invert\", \"grayscale\", \"overlay\", "
		  "\"luma\", \"convert\", \"scale\" or \"m2m\", got \"sharpen\"");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"invert\"\nformat = \"XRGB8888\"\n")),
		  "x.toml:10:1: stage[0].format: only used with type = \"convert\", \"scale\" or "
		  "\"m2m\"; remove it or change that key");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"convert\"\npool_card = \"vkms\"\n")),
		  "x.toml:10:1: stage[0].pool_card: only used with type = \"convert\" or "
		  "\"scale\", and pool = \"dumb\"; remove it or change that key");
	std::string error =
		errorOf(withStages("[[stage]]\ntype = \"convert\"\nformat = \"NV12\"\n"));
	EXPECT_EQ(error.rfind("x.toml:10:1: stage[0].format: convert cannot write NV12; it writes "
			      "XRGB8888",
			      0),
		  0u)
		<< error;
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"luma\"\ncolour = 1\n")),
		  "x.toml:10:1: stage[0].colour: unknown key; a [[stage]] takes type, format, "
		  "matrix, range, pool, pool_card, buffers, scale, device, width, height and "
		  "controls");
	EXPECT_EQ(errorOf("stage = 3\n" + withStages("")),
		  "x.toml:1:1: stage: expected [[stage]] tables, got 3");
}

TEST(ConfigParser, M2mStageTakesItsDeviceFormatSizeAndControls)
{
	Result<PipelineConfig> config = parseConfig(
		withStages("[[stage]]\ntype = \"m2m\"\ndevice = \"vim2m\"\nformat = \"RGB565\"\n"
			   "width = 640\nheight = 360\nbuffers = 3\n"
			   "controls = { \"Transaction Time (msec)\" = 1 }\n"),
		"x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const StageConfig &stage = config->stages.at(0);
	EXPECT_EQ(stage.type, StageConfig::Type::M2m);
	EXPECT_EQ(stage.m2m.device, "vim2m");
	EXPECT_EQ(stage.m2m.format, formatByName("RGB565"));
	EXPECT_EQ(stage.m2m.width, 640u);
	EXPECT_EQ(stage.m2m.height, 360u);
	EXPECT_EQ(stage.m2m.buffers, 3u);
	ASSERT_EQ(stage.m2m.controls.size(), 1u);
	EXPECT_EQ(stage.m2m.controls[0].first, "Transaction Time (msec)");
	EXPECT_EQ(stage.m2m.controls[0].second, 1);

	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"m2m\"\nformat = \"RGB565\"\n")),
		  "x.toml:8:1: stage[0].device: required key missing (a path such as "
		  "\"/dev/video2\" or a "
		  "driver name such as \"vim2m\")");
	EXPECT_EQ(
		errorOf(withStages("[[stage]]\ntype = \"m2m\"\ndevice = \"vim2m\"\n"
				   "format = \"RGB565\"\nwidth = 640\n")),
		"x.toml:8:1: stage[0].height: required key missing (width and height go together)");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"invert\"\ndevice = \"vim2m\"\n")),
		  "x.toml:10:1: stage[0].device: only used with type = \"m2m\"; remove it or "
		  "change that key");
}

TEST(ConfigParser, ScaleStageReadsEveryKey)
{
	Result<PipelineConfig> config =
		parseConfig(withStages("[[stage]]\ntype = \"scale\"\nwidth = 640\nheight = 480\n"
				       "format = \"RGB565\"\nmatrix = \"bt709\"\nrange = \"full\"\n"
				       "pool = \"dumb\"\npool_card = \"vkms\"\nbuffers = 5\n"),
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const StageConfig &stage = config->stages.at(0);
	EXPECT_EQ(stage.type, StageConfig::Type::Scale);
	EXPECT_EQ(stage.width, 640u);
	EXPECT_EQ(stage.height, 480u);
	EXPECT_EQ(stage.format, formatByName("RGB565"));
	EXPECT_EQ(stage.encoding.matrix, YuvMatrix::Bt709);
	EXPECT_EQ(stage.encoding.range, YuvRange::Full);
	EXPECT_EQ(stage.pool, PoolKind::Dumb);
	EXPECT_EQ(stage.poolCard, "vkms");
	EXPECT_EQ(stage.buffers, 5u);

	/* No format: the input's, decided at configure (unlike convert's XRGB8888). */
	config = parseConfig(withStages("[[stage]]\ntype = \"scale\"\nwidth = 64\nheight = 48\n"),
			     "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->stages.at(0).format, nullptr);
	EXPECT_EQ(config->stages.at(0).buffers, 4u);
	EXPECT_FALSE(config->stages.at(0).pool.has_value());
}

TEST(ConfigParser, ScaleStageErrors)
{
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"scale\"\nheight = 480\n")),
		  "x.toml:8:1: stage[0].width: required key missing (the width to scale to)");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"scale\"\nwidth = 640\n")),
		  "x.toml:8:1: stage[0].height: required key missing (the height to scale to)");
	/* The m2m stage's limits. */
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"scale\"\nwidth = 0\nheight = 480\n")),
		  "x.toml:10:1: stage[0].width: expected an integer from 1 to 16384, got 0");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"scale\"\nwidth = 640\nheight = 16385\n")),
		  "x.toml:11:1: stage[0].height: expected an integer from 1 to 16384, got 16385");
	std::string error = errorOf(withStages(
		"[[stage]]\ntype = \"scale\"\nwidth = 64\nheight = 48\nformat = \"NV12\"\n"));
	EXPECT_EQ(error.rfind("x.toml:12:1: stage[0].format: scale cannot write NV12; it writes "
			      "XRGB8888",
			      0),
		  0u)
		<< error;
	/* Keys that belong to other types, and the scale's keys elsewhere. */
	EXPECT_EQ(
		errorOf(withStages(
			"[[stage]]\ntype = \"scale\"\nwidth = 64\nheight = 48\ndevice = \"x\"\n")),
		"x.toml:12:1: stage[0].device: only used with type = \"m2m\"; remove it or "
		"change that key");
	EXPECT_EQ(errorOf(withStages(
			  "[[stage]]\ntype = \"scale\"\nwidth = 64\nheight = 48\nscale = 2\n")),
		  "x.toml:12:1: stage[0].scale: only used with type = \"overlay\"; remove it or "
		  "change that key");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"invert\"\nwidth = 640\n")),
		  "x.toml:10:1: stage[0].width: only used with type = \"scale\" or \"m2m\"; "
		  "remove it or change that key");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"m2m\"\ndevice = \"vim2m\"\n"
				     "format = \"RGB565\"\nmatrix = \"bt709\"\n")),
		  "x.toml:12:1: stage[0].matrix: only used with type = \"convert\" or "
		  "\"scale\"; remove it or change that key");
}

TEST(ConfigParser, SyntaxErrorsCarryFileLineAndColumn)
{
	std::string text = kMinimal;
	text.replace(text.find("width = 640"), 11, "width = ");
	std::string error = errorOf(text, "configs/broken.toml");
	EXPECT_EQ(error.rfind("configs/broken.toml:5:", 0), 0u) << error;

	error = errorOf(std::string(kMinimal) + "type = \"kms\"\n");
	EXPECT_EQ(error.rfind("x.toml:10:", 0), 0u) << error;
}

TEST(ConfigParser, MalformedTableHeaderIsAnErrorNotAnAbort)
{
	/* toml++ 3.3 asserts in parse_key() on this (a fuzzer finding). */
	EXPECT_EQ(errorOf("[source]\n[[{{sink]]\n"),
		  "x.toml:2:3: Error while parsing key: expected bare key starting character or "
		  "string delimiter, saw '{'");
	EXPECT_EQ(errorOf("[{").rfind("x.toml:1:2: ", 0), 0u);
}

TEST(ConfigParser, CharactersTomlppMishandlesAreRefusedOutsideComments)
{
	/* In comments they are fine, also after a string holding a '#'. */
	std::string text = "# Caf\u00e9, \u041a\u0430\u043c\u0435\u0440\u0430 \ufed9\n" + kMinimal;
	text.replace(text.find("\"vivid\""), 7, "'vi#vid' # \u00e9 \"\u00e9");
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().device, "vi#vid");

	/* Elsewhere toml++ 3.3 would reach __builtin_unreachable(). */
	EXPECT_EQ(errorOf("titl\u00e9 = 1\n"),
		  "x.toml:1:5: character U+00E9 is only allowed in comments (the TOML library, "
		  "toml++ 3.3, mishandles it elsewhere)");
	EXPECT_EQ(errorOf("\ufed9[source]\n").rfind("x.toml:1:1: character U+FED9 ", 0), 0u);
	EXPECT_EQ(errorOf("sour =+\"nu\u0430/\"\n").rfind("x.toml:1:11: character U+0430 ", 0), 0u);
	EXPECT_EQ(errorOf("a = 'caf\u00e9'\n").rfind("x.toml:1:9: character U+00E9 ", 0), 0u);
	EXPECT_EQ(errorOf("a = \"\"\"\n\u30001\u3001\"\"\"\n")
			  .rfind("x.toml:2:3: character U+3001 ", 0),
		  0u);
	EXPECT_EQ(errorOf("a = \'\'\'\u0410\'\'\'\n").rfind("x.toml:1:8: character U+0410 ", 0),
		  0u);
	/* Strings end where TOML says: after an escaped quote and a '#'
	 * inside a string, or after a closing """ with two more quotes, the
	 * rest of the line is no comment. */
	EXPECT_EQ(errorOf("a = \"x\\\"#y\" \u00e9\n").rfind("x.toml:1:13: character U+00E9 ", 0),
		  0u);
	EXPECT_EQ(errorOf("a = \"\"\"x\"\"\"\"\" \u00e9\n")
			  .rfind("x.toml:1:15: character U+00E9 ", 0),
		  0u);

	/* Others are toml++'s to judge: U+00A0 and CJK it handles right. */
	EXPECT_EQ(errorOf("a =\u00a01\n").find("character U+"), std::string::npos);
	EXPECT_EQ(errorOf("\u4e2d = 1\n").find("character U+"), std::string::npos);
	EXPECT_NE(errorOf("\u4e2d = 1\n"), "");
}

TEST(ConfigParser, ControlsAreKeptInFileOrder)
{
	std::string text = kMinimal;
	text.insert(text.find("\n[[sink]]"), "[source.controls]\n\"Timestamp Source\" = 1\n"
					     "brightness = 200\nhorizontal_flip = true\n");
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	using Control = std::pair<std::string, int64_t>;
	EXPECT_EQ(config->source().v4l2().controls,
		  (std::vector<Control>{
			  {"Timestamp Source", 1}, {"brightness", 200}, {"horizontal_flip", 1}}));

	text = kMinimal;
	text.insert(text.find("\n[[sink]]"), "controls = { contrast = \"high\" }\n");
	EXPECT_EQ(errorOf(text), "x.toml:7:14: source.controls.contrast: expected an integer or a "
				 "boolean (a menu control takes its item's index), got \"high\"");
	text = kMinimal;
	text.insert(text.find("\n[[sink]]"), "controls = 5\n");
	EXPECT_EQ(errorOf(text), "x.toml:7:1: source.controls: expected a table of control names "
				 "and values ([source.controls]), got 5");
	text = kMinimal;
	text.insert(text.find("\n[[sink]]"), "controls = { \"\" = 5 }\n");
	EXPECT_EQ(errorOf(text), "x.toml:7:14: source.controls.: expected a control name such as "
				 "\"brightness\"");
}

TEST(ConfigParser, ApiChoices)
{
	for (auto [name, api] : {std::pair{"auto", CaptureConfig::Api::Auto},
				 std::pair{"single-planar", CaptureConfig::Api::SinglePlanar},
				 std::pair{"multi-planar", CaptureConfig::Api::MultiPlanar}}) {
		std::string text = kMinimal;
		text.insert(text.find("\n[[sink]]"), std::string("api = \"") + name + "\"\n");
		Result<PipelineConfig> config = parseConfig(text, "x.toml");
		ASSERT_TRUE(config) << config.error().message;
		EXPECT_EQ(config->source().v4l2().api, api);
	}
	std::string text = kMinimal;
	text.insert(text.find("\n[[sink]]"), "api = \"mplane\"\n");
	EXPECT_EQ(errorOf(text), "x.toml:7:1: source.api: expected \"auto\", \"single-planar\" or "
				 "\"multi-planar\", got \"mplane\"");
}

TEST(ConfigParser, MessagesEscapeWhatTheyQuote)
{
	std::string text = kMinimal;
	text.replace(text.find("\"XRGB8888\""), 10, "\"\\u001b[2J\\r\"");
	EXPECT_EQ(errorOf(text).find('\x1b'), std::string::npos);
	EXPECT_NE(errorOf(text).find("\\x1b[2J\\x0d"), std::string::npos) << errorOf(text);

	text = kMinimal;
	text.replace(text.find("\"vivid\""), 7, "\"a\\u0000b\"");
	EXPECT_EQ(errorOf(text),
		  "x.toml:3:1: source.device: contains a NUL character: \"a\\x00b\"");

	text = kMinimal;
	text.replace(text.find("XRGB8888"), 8, std::string(100, 'Q'));
	EXPECT_NE(errorOf(text).find(std::string(48, 'Q') + "...\""), std::string::npos);
}

TEST(ConfigParser, LoadConfigFileNamesTheFileAndErrno)
{
	Result<PipelineConfig> config = loadConfigFile("/nonexistent/primecam.toml");
	ASSERT_FALSE(config);
	EXPECT_EQ(config.error().code, ENOENT);
	EXPECT_NE(config.error().message.find("/nonexistent/primecam.toml"), std::string::npos);
	EXPECT_NE(config.error().message.find("ENOENT"), std::string::npos);

	config = loadConfigFile("/");
	ASSERT_FALSE(config);
	EXPECT_EQ(config.error().code, EISDIR);
}

} /* namespace */
} /* namespace primecam */
