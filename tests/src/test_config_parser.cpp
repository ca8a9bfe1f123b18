/* SPDX-License-Identifier: MIT */
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
std::string errorOf(const std::string &text, const char *file = "x.toml")
{
	Result<PipelineConfig> config = parseConfig(text, file);
	if (config)
		return "";
	EXPECT_EQ(config.error().code, EINVAL);
	return config.error().message;
}

/* A kms sink config around the given sink keys. */
std::string withKmsSink(const std::string &keys)
{
	return std::string(kSource) + "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n" + keys;
}

TEST(ConfigParser, DemoConfigReadsEveryKey)
{
	std::string path = std::string(PRIMECAM_SOURCE_DIR) + "/configs/vivid-vkms.toml";
	Result<PipelineConfig> config = loadConfigFile(path);
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->file, path);
	const CaptureConfig &c = config->source.v4l2();
	EXPECT_EQ(config->source.type(), SourceConfig::Type::V4l2);
	EXPECT_EQ(c.device, "vivid");
	EXPECT_EQ(c.api, CaptureConfig::Api::SinglePlanar);
	ASSERT_NE(c.format, nullptr);
	EXPECT_EQ(c.format->name, "XRGB8888");
	EXPECT_EQ(c.width, 640u);
	EXPECT_EQ(c.height, 480u);
	EXPECT_DOUBLE_EQ(c.fps, 25.0);
	EXPECT_EQ(c.buffers, 4u);
	EXPECT_EQ(c.memory, CaptureConfig::Memory::Mmap);
	using Control = std::pair<std::string, int64_t>;
	EXPECT_EQ(c.controls, (std::vector<Control>{{"timestamp_source", 1}}));

	ASSERT_EQ(config->sinks.size(), 1u);
	const SinkConfig &sink = config->sinks[0];
	EXPECT_EQ(sink.type, SinkConfig::Type::Kms);
	EXPECT_EQ(sink.kms.card, "vkms");
	EXPECT_EQ(sink.kms.connector, "");
	EXPECT_EQ(sink.kms.plane, KmsSinkConfig::Plane::Primary);
	EXPECT_EQ(sink.kms.placement, KmsSinkConfig::Placement::Fullscreen);
	EXPECT_EQ(sink.kms.mode, "640x480");
}

TEST(ConfigParser, EveryShippedConfigParses)
{
	for (const char *name :
	     {"vivid-vkms", "vivid-vkms-mplane", "vivid-vkms-dmabuf", "vivid-vkms-overlay",
	      "vivid-null", "vivid-bayer-libv4l2-null", "vivid-gl-headless", "vivid-gl-kms",
	      "vimc-libcamera-vkms", "webcam-gl-window"}) {
		std::string path = std::string(PRIMECAM_SOURCE_DIR) + "/configs/" + name + ".toml";
		Result<PipelineConfig> config = loadConfigFile(path);
		EXPECT_TRUE(config) << config.error().message;
	}
}

TEST(ConfigParser, ShippedVariantsSayWhatTheirNamesSay)
{
	Result<PipelineConfig> gl = loadConfigFile(std::string(PRIMECAM_SOURCE_DIR) +
						   "/configs/vivid-gl-headless.toml");
	ASSERT_TRUE(gl) << gl.error().message;
	EXPECT_EQ(gl->sinks.at(0).type, SinkConfig::Type::GlHeadless);
	EXPECT_EQ(gl->sinks[0].gl.card, "vkms");
	/* captured into the GL card's own buffers: the import that is real */
	EXPECT_EQ(gl->source.v4l2().memory, CaptureConfig::Memory::Dmabuf);
	EXPECT_EQ(gl->source.v4l2().poolCard, "vkms");

	std::string dir = std::string(PRIMECAM_SOURCE_DIR) + "/configs/";
	Result<PipelineConfig> webcam = loadConfigFile(dir + "webcam-gl-window.toml");
	ASSERT_TRUE(webcam) << webcam.error().message;
	EXPECT_EQ(webcam->sinks.at(0).type, SinkConfig::Type::GlWindow);
	EXPECT_EQ(webcam->source.v4l2().device, "/dev/video0");
	EXPECT_EQ(webcam->source.v4l2().width, 640u);
	EXPECT_EQ(webcam->source.v4l2().height, 480u);

	Result<PipelineConfig> glKms = loadConfigFile(dir + "vivid-gl-kms.toml");
	ASSERT_TRUE(glKms) << glKms.error().message;
	EXPECT_EQ(glKms->sinks.at(0).type, SinkConfig::Type::GlKms);
	EXPECT_EQ(glKms->sinks[0].kms.card, "vkms");
	EXPECT_EQ(glKms->sinks[0].kms.mode, "640x480");
	EXPECT_EQ(glKms->source.v4l2().format, formatByName("YUYV"));
	/* the display card's own buffers, which GL imports for real */
	EXPECT_EQ(glKms->source.v4l2().memory, CaptureConfig::Memory::Dmabuf);
	EXPECT_EQ(glKms->source.v4l2().pool, CaptureConfig::Pool::Dumb);
	EXPECT_EQ(glKms->source.v4l2().poolCard, "vkms");

	Result<PipelineConfig> mplane = loadConfigFile(dir + "vivid-vkms-mplane.toml");
	ASSERT_TRUE(mplane);
	EXPECT_EQ(mplane->source.v4l2().api, CaptureConfig::Api::MultiPlanar);

	Result<PipelineConfig> dmabuf = loadConfigFile(dir + "vivid-vkms-dmabuf.toml");
	ASSERT_TRUE(dmabuf);
	EXPECT_EQ(dmabuf->source.v4l2().memory, CaptureConfig::Memory::Dmabuf);
	EXPECT_EQ(dmabuf->source.v4l2().pool, CaptureConfig::Pool::Dumb);
	EXPECT_EQ(dmabuf->source.v4l2().poolCard, "vkms");

	Result<PipelineConfig> overlay = loadConfigFile(dir + "vivid-vkms-overlay.toml");
	ASSERT_TRUE(overlay);
	EXPECT_EQ(overlay->source.v4l2().width, 320u);
	EXPECT_EQ(overlay->source.v4l2().height, 180u);
	EXPECT_EQ(overlay->sinks[0].kms.plane, KmsSinkConfig::Plane::Overlay);
	EXPECT_EQ(overlay->sinks[0].kms.placement, KmsSinkConfig::Placement::Center);
	EXPECT_EQ(overlay->sinks[0].kms.mode, "640x480");

	Result<PipelineConfig> bayer = loadConfigFile(dir + "vivid-bayer-libv4l2-null.toml");
	ASSERT_TRUE(bayer) << bayer.error().message;
	EXPECT_EQ(bayer->source.v4l2().memory, CaptureConfig::Memory::Libv4l2);
	EXPECT_EQ(bayer->source.v4l2().pool, CaptureConfig::Pool::DmaHeap);
	EXPECT_EQ(bayer->source.v4l2().format->name, "RGB888") << "V4L2 BGR24";
	EXPECT_EQ(bayer->sinks[0].type, SinkConfig::Type::Null);

	Result<PipelineConfig> null = loadConfigFile(dir + "vivid-null.toml");
	ASSERT_TRUE(null);
	ASSERT_EQ(null->sinks.size(), 1u);
	EXPECT_EQ(null->sinks[0].type, SinkConfig::Type::Null);
}

TEST(ConfigParser, OptionalKeysDefault)
{
	Result<PipelineConfig> config = parseConfig(kMinimal, "min.toml");
	ASSERT_TRUE(config) << config.error().message;
	const CaptureConfig &c = config->source.v4l2();
	EXPECT_EQ(c.api, CaptureConfig::Api::Auto);
	EXPECT_EQ(c.fps, 0.0);
	EXPECT_EQ(c.buffers, 4u);
	EXPECT_EQ(c.memory, CaptureConfig::Memory::Mmap);
	EXPECT_EQ(c.poolCard, "");
}

TEST(ConfigParser, FormatAcceptsDrmNamesAndFourccs)
{
	std::string text = kMinimal;
	text.replace(text.find("XRGB8888"), 8, "XR24");
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().format->name, "XRGB8888");

	text.replace(text.find("XR24"), 4, "YUYV");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().format->name, "YUYV");

	text.replace(text.find("YUYV"), 4, "RGBZ");
	EXPECT_EQ(errorOf(text), "x.toml:4:1: source.format: unknown pixel format \"RGBZ\" (a DRM "
				 "name such as \"XRGB8888\" or a fourcc such as \"XR24\"; see "
				 "configs/README.md)");
}

TEST(ConfigParser, NonContiguousFourccsAreNoted)
{
	std::string text = kMinimal;
	text.replace(text.find("XRGB8888"), 8, "NM12");
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().format->name, "NV12");
	EXPECT_TRUE(config->source.v4l2().nonContiguous);

	text.replace(text.find("NM12"), 4, "NV12");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_FALSE(config->source.v4l2().nonContiguous);

	text.replace(text.find("NV12"), 4, "NM12");
	text.insert(text.find("\n[[sink]]"), "api = \"single-planar\"\n");
	EXPECT_EQ(errorOf(text),
		  "x.toml:4:1: source.format: \"NM12\" is a one-buffer-per-plane "
		  "fourcc of the multi-planar API; it needs api = \"multi-planar\" or "
		  "\"auto\"");
}

TEST(ConfigParser, FpsTakesIntegersAndFloats)
{
	std::string text = kMinimal;
	text.insert(text.find("\n[[sink]]"), "fps = 29.97\n");
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_DOUBLE_EQ(config->source.v4l2().fps, 29.97);
}

TEST(ConfigParser, TheIssuesExampleErrorIsExact)
{
	const char text[] = "[source]\ntype = \"v4l2\"\ndevice = \"vivid\"\nformat = \"XR24\"\n"
			    "width = 640\nheight = 480\n[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n"
			    "plane = \"top\"\n";
	EXPECT_EQ(errorOf(text, "configs/x.toml"),
		  "configs/x.toml:10:1: sink[0].plane: expected \"primary\", \"overlay\" or a "
		  "plane id, got \"top\"");
}

TEST(ConfigParser, UnknownKeysAreErrorsAtTheirLine)
{
	std::string text = kMinimal;
	text.insert(text.find("height"), "  widht = 640\n");
	EXPECT_EQ(errorOf(text),
		  "x.toml:6:3: source.widht: unknown key; [source] takes type, device, api, "
		  "format, width, height, fps, buffers, memory, pool, pool_card, controls and "
		  "camera (did "
		  "you mean width?)");

	EXPECT_EQ(errorOf(std::string(kMinimal) + "colour = \"blue\"\n"),
		  "x.toml:10:1: sink[0].colour: unknown key; a null [[sink]] takes type");

	EXPECT_EQ(errorOf("title = \"demo\"\n" + std::string(kMinimal)),
		  "x.toml:1:1: title: unknown key; the top level takes source, sink and stage");
}

TEST(ConfigParser, TheFirstErrorInFileOrderIsReported)
{
	/* toml++ sorts keys by name; the user reads top to bottom. */
	std::string text = kMinimal;
	text.insert(text.find("height"), "zzz = 1\naaa = 2\n");
	EXPECT_EQ(errorOf(text).substr(0, 21), "x.toml:6:1: source.zz");
}

TEST(ConfigParser, WrongTypesNameTheKeyAndTheValue)
{
	std::string text = kMinimal;
	text.replace(text.find("640"), 3, "\"640\"");
	EXPECT_EQ(errorOf(text),
		  "x.toml:5:1: source.width: expected an integer from 1 to 16384, got \"640\"");

	text = kMinimal;
	text.replace(text.find("\"vivid\""), 7, "7");
	EXPECT_EQ(errorOf(text), "x.toml:3:1: source.device: expected a string, got 7");

	text = kMinimal;
	text.replace(text.find("480"), 3, "480.0");
	EXPECT_EQ(errorOf(text),
		  "x.toml:6:1: source.height: expected an integer from 1 to 16384, got 480.0");

	EXPECT_EQ(errorOf("source = 5\n[[sink]]\ntype = \"null\"\n"),
		  "x.toml:1:1: source: expected a table ([source]), got 5");
	EXPECT_EQ(errorOf(std::string(kSource) + "[sink]\ntype = \"null\"\n"),
		  "x.toml:8:2: sink: expected one or more [[sink]] tables, got a table");
}

TEST(ConfigParser, OutOfRangeNumbersAreCaught)
{
	struct Case {
		const char *from;
		const char *to;
		const char *error;
	};
	const Case cases[] = {
		{"width = 640", "width = 0",
		 "x.toml:5:1: source.width: expected an integer from 1 to 16384, got 0"},
		{"height = 480", "height = 16385",
		 "x.toml:6:1: source.height: expected an integer from 1 to 16384, got 16385"},
		{"height = 480", "height = 480\nbuffers = 1",
		 "x.toml:7:1: source.buffers: expected an integer from 2 to 32, got 1"},
		{"height = 480", "height = 480\nbuffers = 33",
		 "x.toml:7:1: source.buffers: expected an integer from 2 to 32, got 33"},
		{"height = 480", "height = 480\nfps = 0",
		 "x.toml:7:1: source.fps: expected a rate above 0 and at most 1000, got 0"},
		{"height = 480", "height = 480\nfps = -25",
		 "x.toml:7:1: source.fps: expected a rate above 0 and at most 1000, got -25"},
		{"height = 480", "height = 480\nfps = nan",
		 "x.toml:7:1: source.fps: expected a rate above 0 and at most 1000, got nan"},
		{"height = 480", "height = 480\nfps = inf",
		 "x.toml:7:1: source.fps: expected a rate above 0 and at most 1000, got inf"},
		{"height = 480", "height = 480\nfps = \"25\"",
		 "x.toml:7:1: source.fps: expected a number, got \"25\""},
		{"width = 640", "width = -9223372036854775808",
		 "x.toml:5:1: source.width: expected an integer from 1 to 16384, got "
		 "-9223372036854775808"},
	};
	for (const Case &c : cases) {
		std::string text = kMinimal;
		text.replace(text.find(c.from), strlen(c.from), c.to);
		EXPECT_EQ(errorOf(text), c.error) << c.to;
	}
}

TEST(ConfigParser, MissingRequiredKeysPointAtTheirTable)
{
	std::string text = kMinimal;
	text.erase(text.find("device = \"vivid\"\n"), 17);
	EXPECT_EQ(errorOf(text), "x.toml:1:1: source.device: required key missing (a path such "
				 "as \"/dev/video0\" or a driver name)");

	text = kMinimal;
	text.erase(text.find("type = \"v4l2\"\n"), 14);
	EXPECT_EQ(errorOf(text),
		  "x.toml:1:1: source.type: required key missing (type = \"v4l2\" or "
		  "\"libcamera\")");

	EXPECT_EQ(errorOf(std::string(kSource) + "[[sink]]\ntype = \"kms\"\n"),
		  "x.toml:8:1: sink[0].card: required key missing (a path such as "
		  "\"/dev/dri/card0\" or a driver name)");

	EXPECT_EQ(errorOf("[[sink]]\ntype = \"null\"\n"),
		  "x.toml:1:1: source: required table [source] missing");
	EXPECT_EQ(errorOf(kSource),
		  "x.toml:1:1: sink: no [[sink]] table: a pipeline needs at least one sink");
	EXPECT_EQ(errorOf(std::string(kMinimal) + "[[sink]]\n"),
		  "x.toml:10:1: sink[1].type: required key missing (\"kms\", \"gl-headless\", "
		  "\"gl-kms\", \"gl-window\" or \"null\")");
}

/* kSource, the given [[stage]] tables, then a null sink. */
std::string withStages(const std::string &stages)
{
	return std::string(kSource) + stages + "[[sink]]\ntype = \"null\"\n";
}

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
		  "\"luma\", \"convert\" or \"m2m\", got \"sharpen\"");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"invert\"\nformat = \"XRGB8888\"\n")),
		  "x.toml:10:1: stage[0].format: only used with type = \"convert\" or \"m2m\"; "
		  "remove it or change that key");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"convert\"\npool_card = \"vkms\"\n")),
		  "x.toml:10:1: stage[0].pool_card: only used with type = \"convert\" and pool = "
		  "\"dumb\"; remove it or change that key");
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
	EXPECT_EQ(config->source.v4l2().device, "vi#vid");

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
	EXPECT_EQ(config->source.v4l2().controls,
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

TEST(ConfigParser, KmsSinkKeys)
{
	Result<PipelineConfig> config =
		parseConfig(withKmsSink("connector = \"Virtual-1\"\nplane = 31\nplacement = "
					"\"rect\"\nx = -10\ny = 20\nwidth = 320\nheight = "
					"240\nmode = \"1920x1080@60\"\n"),
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const KmsSinkConfig &kms = config->sinks[0].kms;
	EXPECT_EQ(kms.card, "vkms");
	EXPECT_EQ(kms.connector, "Virtual-1");
	EXPECT_EQ(kms.plane, KmsSinkConfig::Plane::Id);
	EXPECT_EQ(kms.planeId, 31u);
	EXPECT_EQ(kms.placement, KmsSinkConfig::Placement::Rect);
	EXPECT_EQ(kms.x, -10);
	EXPECT_EQ(kms.y, 20);
	EXPECT_EQ(kms.width, 320u);
	EXPECT_EQ(kms.height, 240u);
	EXPECT_EQ(kms.mode, "1920x1080@60");

	config = parseConfig(withKmsSink("connector = 42\n"), "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->sinks[0].kms.connector, "42");
}

TEST(ConfigParser, KmsSinkErrors)
{
	struct Case {
		const char *keys;
		const char *error;
	};
	const Case cases[] = {
		{"plane = 0\n", "x.toml:11:1: sink[0].plane: expected an integer from 1 to "
				"4294967295, got 0"},
		{"plane = true\n", "x.toml:11:1: sink[0].plane: expected \"primary\", \"overlay\" "
				   "or a plane id, got true"},
		{"placement = \"middle\"\n",
		 "x.toml:11:1: sink[0].placement: expected \"fullscreen\", \"center\" or \"rect\", "
		 "got \"middle\""},
		{"x = 5\n",
		 "x.toml:11:1: sink[0].x: only used with placement = \"rect\"; remove it "
		 "or change that key"},
		{"placement = \"rect\"\nwidth = 10\n",
		 "x.toml:8:1: sink[0].height: required key missing (placement = \"rect\" needs a "
		 "size)"},
		{"mode = \"640*480\"\n",
		 "x.toml:11:1: sink[0].mode: expected \"WIDTHxHEIGHT\" or \"WIDTHxHEIGHT@RATE\" "
		 "(such as \"640x480\" or \"1920x1080@60\"), got \"640*480\""},
		{"mode = \"0x480\"\n", nullptr},
		{"mode = \"640x480@\"\n", nullptr},
		{"mode = \"640x480@0\"\n", nullptr},
		{"mode = \"640x480@60Hz\"\n", nullptr},
		{"mode = \"+640x480\"\n", nullptr},
		{"mode = \"640x-480\"\n", nullptr},
		{"mode = \"640x\"\n", nullptr},
		{"connector = \"\"\n", "x.toml:11:1: sink[0].connector: must not be empty"},
		{"connector = 1.5\n", "x.toml:11:1: sink[0].connector: expected a connector name "
				      "(such as \"Virtual-1\") or id, got 1.5"},
		{"card = \"vkms\"\n", nullptr /* a duplicate key: a TOML error */},
	};
	for (const Case &c : cases) {
		std::string error = errorOf(withKmsSink(c.keys));
		if (c.error)
			EXPECT_EQ(error, c.error) << c.keys;
		else
			EXPECT_EQ(error.rfind("x.toml:11:", 0), 0u) << c.keys << " -> " << error;
	}
}

TEST(ConfigParser, GlHeadlessSinkKeys)
{
	std::string gl = std::string(kSource) + "[[sink]]\ntype = \"gl-headless\"\n";
	Result<PipelineConfig> full =
		parseConfig(gl + "card = \"vkms\"\nwidth = 320\nheight = 240\nmatrix = \"bt709\"\n"
				 "range = \"full\"\ntexture = \"external\"\nimport = \"upload\"\n",
			    "x.toml");
	ASSERT_TRUE(full) << full.error().message;
	const GlSinkConfig &c = full->sinks.at(0).gl;
	EXPECT_EQ(full->sinks[0].type, SinkConfig::Type::GlHeadless);
	EXPECT_EQ(c.platform, GlSinkConfig::Platform::Gbm);
	EXPECT_EQ(c.card, "vkms");
	EXPECT_EQ(c.width, 320u);
	EXPECT_EQ(c.height, 240u);
	EXPECT_EQ(c.encoding.matrix, YuvMatrix::Bt709);
	EXPECT_EQ(c.encoding.range, YuvRange::Full);
	EXPECT_EQ(c.texture, GlSinkConfig::Texture::External);
	EXPECT_EQ(c.import, GlSinkConfig::Import::Upload);

	Result<PipelineConfig> surfaceless =
		parseConfig(gl + "platform = \"surfaceless\"\n", "x.toml");
	ASSERT_TRUE(surfaceless) << surfaceless.error().message;
	EXPECT_EQ(surfaceless->sinks[0].gl.platform, GlSinkConfig::Platform::Surfaceless);
	EXPECT_EQ(surfaceless->sinks[0].gl.width, 0u);

	EXPECT_EQ(errorOf(gl),
		  "x.toml:8:1: sink[0].card: required key missing (platform = \"gbm\" renders on a "
		  "card: a path such as \"/dev/dri/card0\" or a driver name)");
	EXPECT_EQ(errorOf(gl + "platform = \"surfaceless\"\ncard = \"vkms\"\n")
			  .rfind("x.toml:11:1: sink[0].card: ", 0),
		  0u);
	EXPECT_EQ(errorOf(gl + "card = \"vkms\"\nwidth = 320\n")
			  .rfind("x.toml:8:1: sink[0].height", 0),
		  0u);
	EXPECT_EQ(errorOf(gl + "card = \"vkms\"\ntexture = \"oes\"\n"),
		  "x.toml:11:1: sink[0].texture: expected \"2d\" or \"external\", got \"oes\"");
	EXPECT_EQ(errorOf(gl + "card = \"vkms\"\nplane = \"primary\"\n")
			  .rfind("x.toml:11:1: sink[0].plane: unknown key", 0),
		  0u);

	/* A dumb pool without a kms sink defaults to the GL sink's card. */
	Result<PipelineConfig> pool =
		parseConfig(std::string(kSource).replace(std::string(kSource).find("width"), 0,
							 "memory = \"dmabuf\"\npool = \"dumb\"\n") +
				    "[[sink]]\ntype = \"gl-headless\"\ncard = \"vkms\"\n",
			    "x.toml");
	ASSERT_TRUE(pool) << pool.error().message;
	EXPECT_EQ(pool->source.v4l2().poolCard, "vkms");
}

TEST(ConfigParser, GlWindowSinkKeys)
{
	std::string gl = std::string(kSource) + "[[sink]]\ntype = \"gl-window\"\n";
	Result<PipelineConfig> full =
		parseConfig(gl + "title = \"webcam\"\nwidth = 1280\nheight = 720\n"
				 "fullscreen = true\nmatrix = \"bt709\"\nrange = \"full\"\n",
			    "x.toml");
	ASSERT_TRUE(full) << full.error().message;
	const GlSinkConfig &c = full->sinks.at(0).gl;
	EXPECT_EQ(full->sinks[0].type, SinkConfig::Type::GlWindow);
	EXPECT_EQ(c.title, "webcam");
	EXPECT_EQ(c.width, 1280u);
	EXPECT_EQ(c.height, 720u);
	EXPECT_TRUE(c.fullscreen);
	EXPECT_EQ(c.encoding.matrix, YuvMatrix::Bt709);
	EXPECT_EQ(c.encoding.range, YuvRange::Full);

	/* Defaults: the frame's size, windowed, the frame's encoding. */
	Result<PipelineConfig> plain = parseConfig(gl, "x.toml");
	ASSERT_TRUE(plain) << plain.error().message;
	EXPECT_EQ(plain->sinks[0].gl.title, "primecam");
	EXPECT_EQ(plain->sinks[0].gl.width, 0u);
	EXPECT_EQ(plain->sinks[0].gl.height, 0u);
	EXPECT_FALSE(plain->sinks[0].gl.fullscreen);
	EXPECT_TRUE(plain->sinks[0].gl.encoding.empty());

	EXPECT_EQ(errorOf(gl + "fullscreen = \"yes\"\n"),
		  "x.toml:10:1: sink[0].fullscreen: expected true or false, got \"yes\"");
	EXPECT_EQ(errorOf(gl + "width = 640\n").rfind("x.toml:8:1: sink[0].height", 0), 0u);
	EXPECT_EQ(errorOf(gl + "width = 0\nheight = 480\n").rfind("x.toml:10:1: sink[0].width", 0),
		  0u);
	EXPECT_EQ(errorOf(gl + "matrix = \"bt2100\"\n"),
		  "x.toml:10:1: sink[0].matrix: expected \"bt601\", \"bt709\" or \"bt2020\", got "
		  "\"bt2100\"");
	/* A window has no card or platform: the window system's EGL is used. */
	EXPECT_EQ(errorOf(gl + "card = \"vkms\"\n")
			  .rfind("x.toml:10:1: sink[0].card: unknown key", 0),
		  0u);
	EXPECT_EQ(errorOf(gl + "platform = \"gbm\"\n")
			  .rfind("x.toml:10:1: sink[0].platform: unknown key", 0),
		  0u);
}

TEST(ConfigParser, GlKmsSinkKeys)
{
	std::string sink = std::string(kSource) + "[[sink]]\ntype = \"gl-kms\"\n";
	Result<PipelineConfig> full = parseConfig(
		sink + "card = \"vkms\"\nconnector = \"Virtual-1\"\nplane = \"overlay\"\n"
		       "placement = \"center\"\nmode = \"1024x768\"\nwidth = 320\nheight = 240\n"
		       "matrix = \"bt709\"\nrange = \"full\"\nimport = \"upload\"\n",
		"x.toml");
	ASSERT_TRUE(full) << full.error().message;
	const SinkConfig &c = full->sinks.at(0);
	EXPECT_EQ(c.type, SinkConfig::Type::GlKms);
	EXPECT_EQ(c.kms.card, "vkms");
	EXPECT_EQ(c.kms.connector, "Virtual-1");
	EXPECT_EQ(c.kms.plane, KmsSinkConfig::Plane::Overlay);
	EXPECT_EQ(c.kms.placement, KmsSinkConfig::Placement::Center);
	EXPECT_EQ(c.kms.mode, "1024x768");
	/* the rendered size; not a screen rectangle outside placement = "rect" */
	EXPECT_EQ(c.gl.width, 320u);
	EXPECT_EQ(c.gl.height, 240u);
	EXPECT_EQ(c.kms.width, 0u);
	EXPECT_EQ(c.gl.platform, GlSinkConfig::Platform::Gbm);
	EXPECT_EQ(c.gl.card, "vkms");
	EXPECT_EQ(c.gl.encoding.matrix, YuvMatrix::Bt709);
	EXPECT_EQ(c.gl.encoding.range, YuvRange::Full);
	EXPECT_EQ(c.gl.import, GlSinkConfig::Import::Upload);

	/* defaults: full screen at the mode's size (width 0: chosen at start) */
	Result<PipelineConfig> plain = parseConfig(sink + "card = \"vkms\"\n", "x.toml");
	ASSERT_TRUE(plain) << plain.error().message;
	EXPECT_EQ(plain->sinks[0].kms.placement, KmsSinkConfig::Placement::Fullscreen);
	EXPECT_EQ(plain->sinks[0].gl.width, 0u);
	EXPECT_TRUE(plain->sinks[0].gl.encoding.empty());
	EXPECT_EQ(plain->sinks[0].gl.import, GlSinkConfig::Import::Auto);

	/* rect: width and height are the rendered size and the size on screen */
	Result<PipelineConfig> rect = parseConfig(
		sink + "card = \"vkms\"\nplacement = \"rect\"\nx = 10\ny = 20\nwidth = 320\n"
		       "height = 240\n",
		"x.toml");
	ASSERT_TRUE(rect) << rect.error().message;
	EXPECT_EQ(rect->sinks[0].kms.x, 10);
	EXPECT_EQ(rect->sinks[0].kms.width, 320u);
	EXPECT_EQ(rect->sinks[0].gl.width, 320u);

	EXPECT_EQ(errorOf(sink), "x.toml:8:1: sink[0].card: required key missing (a path such as "
				 "\"/dev/dri/card0\" or a driver name)");
	EXPECT_EQ(errorOf(sink + "card = \"vkms\"\nwidth = 320\n")
			  .rfind("x.toml:8:1: sink[0].height", 0),
		  0u);
	EXPECT_EQ(errorOf(sink + "card = \"vkms\"\nplacement = \"rect\"\n")
			  .rfind("x.toml:8:1: sink[0].width", 0),
		  0u);
	EXPECT_EQ(errorOf(sink + "card = \"vkms\"\nx = 3\n").rfind("x.toml:11:1: sink[0].x", 0),
		  0u);
	EXPECT_EQ(errorOf(sink + "card = \"vkms\"\nmatrix = \"bt2100\"\n"),
		  "x.toml:11:1: sink[0].matrix: expected \"bt601\", \"bt709\" or \"bt2020\", "
		  "got \"bt2100\"");
	/* Only the range: the matrix stays the frame's. */
	Result<PipelineConfig> ranged =
		parseConfig(sink + "card = \"vkms\"\nrange = \"full\"\n", "x.toml");
	ASSERT_TRUE(ranged) << ranged.error().message;
	EXPECT_FALSE(ranged->sinks[0].gl.encoding.matrix.has_value());
	EXPECT_EQ(ranged->sinks[0].gl.encoding.range, YuvRange::Full);
	/* GL renders on the display's card: no platform or card of its own */
	EXPECT_EQ(errorOf(sink + "card = \"vkms\"\nplatform = \"surfaceless\"\n")
			  .rfind("x.toml:11:1: sink[0].platform: unknown key; a gl-kms [[sink]] "
				 "takes",
				 0),
		  0u);
	EXPECT_EQ(errorOf(sink + "card = \"vkms\"\ntexture = \"external\"\n")
			  .rfind("x.toml:11:1: sink[0].texture: unknown key", 0),
		  0u);

	/* A dumb pool defaults to the gl-kms sink's card: the display's own. */
	Result<PipelineConfig> pool =
		parseConfig(std::string(kSource).replace(std::string(kSource).find("width"), 0,
							 "memory = \"dmabuf\"\npool = \"dumb\"\n") +
				    "[[sink]]\ntype = \"gl-kms\"\ncard = \"vkms\"\n",
			    "x.toml");
	ASSERT_TRUE(pool) << pool.error().message;
	EXPECT_EQ(pool->source.v4l2().poolCard, "vkms");
}

TEST(ConfigParser, SinkTypes)
{
	EXPECT_EQ(errorOf(std::string(kSource) + "[[sink]]\ntype = \"gl\"\n"),
		  "x.toml:9:1: sink[0].type: expected \"kms\", \"null\", \"gl-headless\", "
		  "\"gl-kms\" or \"gl-window\", got \"gl\"");
	EXPECT_EQ(errorOf(std::string(kMinimal) + "card = \"vkms\"\n"),
		  "x.toml:10:1: sink[0].card: unknown key; a null [[sink]] takes type");
	EXPECT_EQ(errorOf("sink = [1]\n" + std::string(kSource)),
		  "x.toml:1:9: sink[0]: expected a table, got 1");

	Result<PipelineConfig> two =
		parseConfig(withKmsSink("") + "[[sink]]\ntype = \"null\"\n", "x.toml");
	ASSERT_TRUE(two) << two.error().message;
	ASSERT_EQ(two->sinks.size(), 2u);
	EXPECT_EQ(two->sinks[0].type, SinkConfig::Type::Kms);
	EXPECT_EQ(two->sinks[1].type, SinkConfig::Type::Null);
}

TEST(ConfigParser, DmabufPoolKeys)
{
	std::string dmabuf = withKmsSink("");
	dmabuf.insert(dmabuf.find("\n[[sink]]"), "memory = \"dmabuf\"\n");
	Result<PipelineConfig> config = parseConfig(dmabuf, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().pool, CaptureConfig::Pool::Dumb);
	/* The dumb pool defaults to the display's card. */
	EXPECT_EQ(config->source.v4l2().poolCard, "vkms");

	std::string heap = dmabuf;
	heap.insert(heap.find("\n[[sink]]"), "pool = \"dma-heap\"\n");
	config = parseConfig(heap, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().pool, CaptureConfig::Pool::DmaHeap);
	EXPECT_EQ(config->source.v4l2().poolCard, "");

	std::string udmabuf = dmabuf;
	udmabuf.insert(udmabuf.find("\n[[sink]]"), "pool = \"udmabuf\"\n");
	config = parseConfig(udmabuf, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().pool, CaptureConfig::Pool::Udmabuf);

	std::string heapCard = heap;
	heapCard.insert(heapCard.find("\n[[sink]]"), "pool_card = \"vgem\"\n");
	EXPECT_EQ(errorOf(heapCard),
		  "x.toml:9:1: source.pool_card: only used with memory = "
		  "\"dmabuf\" or \"libv4l2\", and pool = \"dumb\"; remove it or change that key");

	std::string mmapPool = kMinimal;
	mmapPool.insert(mmapPool.find("\n[[sink]]"), "pool = \"dumb\"\n");
	EXPECT_EQ(errorOf(mmapPool), "x.toml:7:1: source.pool: only used with memory = "
				     "\"dmabuf\" or \"libv4l2\"; remove it or change that key");

	std::string noCard = kMinimal;
	noCard.insert(noCard.find("\n[[sink]]"), "memory = \"dmabuf\"\n");
	EXPECT_EQ(errorOf(noCard),
		  "x.toml:1:1: source.pool_card: required with memory = "
		  "\"dmabuf\" and pool = \"dumb\" when no kms or gl sink names a card");

	std::string badMemory = kMinimal;
	badMemory.insert(badMemory.find("\n[[sink]]"), "memory = \"userptr\"\n");
	EXPECT_EQ(errorOf(badMemory), "x.toml:7:1: source.memory: expected \"mmap\", "
				      "\"dmabuf\" or \"libv4l2\", got \"userptr\"");
}

/* memory = "libv4l2": the format is the one libv4l2 emulates, and the pool
 * keys say where the buffers every frame is copied into come from. */
TEST(ConfigParser, Libv4l2MemoryTakesThePoolKeys)
{
	std::string heap = kMinimal;
	heap.replace(heap.find("XRGB8888"), 8, "BGR3");
	heap.insert(heap.find("\n[[sink]]"), "memory = \"libv4l2\"\npool = \"dma-heap\"\n");
	Result<PipelineConfig> config = parseConfig(heap, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const CaptureConfig &c = config->source.v4l2();
	EXPECT_EQ(c.memory, CaptureConfig::Memory::Libv4l2);
	EXPECT_EQ(c.pool, CaptureConfig::Pool::DmaHeap);
	/* V4L2 BGR3 (bytes B,G,R) is DRM RGB888. */
	EXPECT_EQ(c.format->name, "RGB888");

	/* A dumb pool defaults to the kms sink's card, as for dmabuf. */
	std::string dumb = withKmsSink("");
	dumb.insert(dumb.find("\n[[sink]]"), "memory = \"libv4l2\"\n");
	config = parseConfig(dumb, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().pool, CaptureConfig::Pool::Dumb);
	EXPECT_EQ(config->source.v4l2().poolCard, "vkms");

	std::string noCard = kMinimal;
	noCard.insert(noCard.find("\n[[sink]]"), "memory = \"libv4l2\"\n");
	EXPECT_EQ(errorOf(noCard),
		  "x.toml:1:1: source.pool_card: required with memory = "
		  "\"libv4l2\" and pool = \"dumb\" when no kms or gl sink names a card");

	std::string card = noCard;
	card.insert(card.find("\n[[sink]]"), "pool_card = \"vgem\"\n");
	config = parseConfig(card, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.v4l2().poolCard, "vgem");
}

TEST(ConfigParser, Libv4l2MemoryRefusesWhatLibv4l2CannotDo)
{
	std::string mplane = kMinimal;
	mplane.insert(mplane.find("\n[[sink]]"),
		      "api = \"multi-planar\"\nmemory = \"libv4l2\"\npool = \"dma-heap\"\n");
	EXPECT_EQ(errorOf(mplane), "x.toml:7:1: source.api: memory = \"libv4l2\" converts through "
				   "the single-planar API only; use api = \"single-planar\" or "
				   "\"auto\"");

	std::string nm12 = kMinimal;
	nm12.replace(nm12.find("XRGB8888"), 8, "NM12");
	nm12.insert(nm12.find("\n[[sink]]"), "memory = \"libv4l2\"\npool = \"dma-heap\"\n");
	EXPECT_EQ(errorOf(nm12), "x.toml:4:1: source.format: \"NM12\" is a one-buffer-per-plane "
				 "fourcc; memory = \"libv4l2\" delivers one contiguous buffer per "
				 "frame");
}

/* configs/README.md documents every memory choice the parser takes. */
TEST(ConfigParser, ReadmeDocumentsLibv4l2Memory)
{
	std::ifstream in(std::string(PRIMECAM_SOURCE_DIR) + "/configs/README.md");
	ASSERT_TRUE(in.good());
	std::stringstream text;
	text << in.rdbuf();
	const std::string readme = text.str();
	EXPECT_NE(readme.find("`\"libv4l2\"`"), std::string::npos);
	EXPECT_NE(readme.find("not zero-copy"), std::string::npos);
	EXPECT_NE(readme.find("`source_copies`"), std::string::npos);
	EXPECT_NE(readme.find("vivid-bayer-libv4l2-null.toml"), std::string::npos);
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
		EXPECT_EQ(config->source.v4l2().api, api);
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

TEST(ConfigParser, LibcameraSourceReadsEveryKey)
{
	Result<PipelineConfig> config = parseConfig(kLibcamera, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.type(), SourceConfig::Type::Libcamera);
	const LibcameraConfig &c = config->source.libcamera();
	EXPECT_EQ(c.camera, "platform/vimc.0 Sensor B");
	ASSERT_NE(c.format, nullptr);
	EXPECT_EQ(c.format->name, "BGR888");
	EXPECT_EQ(c.width, 636u);
	EXPECT_EQ(c.height, 480u);
	EXPECT_EQ(c.buffers, 6u);
	EXPECT_EQ(sourceFormat(config->source), c.format);
	EXPECT_EQ(sourceWidth(config->source), 636u);
	EXPECT_EQ(sourceHeight(config->source), 480u);
}

TEST(ConfigParser, LibcameraCameraIsOptionalAndTakesAnIndex)
{
	std::string text = kLibcamera;
	text.erase(text.find("camera = "), text.find("format") - text.find("camera = "));
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.libcamera().camera, "");
	EXPECT_EQ(config->source.libcamera().buffers, 6u);

	text = kLibcamera;
	text.replace(text.find("\"platform/vimc.0 Sensor B\""), 26, "1");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.libcamera().camera, "1");

	text = kLibcamera;
	text.replace(text.find("\"platform/vimc.0 Sensor B\""), 26, "-1");
	EXPECT_EQ(errorOf(text),
		  "x.toml:3:1: source.camera: expected an integer from 0 to 1023, got -1");
	text = kLibcamera;
	text.replace(text.find("\"platform/vimc.0 Sensor B\""), 26, "true");
	EXPECT_EQ(errorOf(text), "x.toml:3:1: source.camera: expected a camera id (a string, as "
				 "`primecam list` prints it) or an index, got true");
}

TEST(ConfigParser, LibcameraSourceRefusesV4l2KeysAndV4l2RefusesCamera)
{
	std::string text = kLibcamera;
	text.insert(text.find("buffers"), "fps = 30\n");
	EXPECT_EQ(errorOf(text), "x.toml:7:1: source.fps: only used with type = \"v4l2\"; remove "
				 "it or change that key");
	text = kLibcamera;
	text.insert(text.find("format"), "device = \"vimc\"\n");
	EXPECT_EQ(errorOf(text), "x.toml:4:1: source.device: only used with type = \"v4l2\"; "
				 "remove it or change that key");
	text = kLibcamera;
	text.insert(text.find("[[sink]]"), "[source.controls]\nbrightness = 1\n");
	EXPECT_NE(errorOf(text).find("source.controls: only used with type = \"v4l2\""),
		  std::string::npos)
		<< errorOf(text);

	text = kMinimal;
	text.insert(text.find("width"), "camera = 0\n");
	EXPECT_EQ(errorOf(text), "x.toml:5:1: source.camera: only used with type = "
				 "\"libcamera\"; remove it or change that key");
}

TEST(ConfigParser, LibcameraSourceNeedsFormatSizeAndDrmFourcc)
{
	std::string text = kLibcamera;
	text.erase(text.find("width = 636\n"), 12);
	EXPECT_EQ(errorOf(text), "x.toml:1:1: source.width: required key missing");

	text = kLibcamera;
	text.erase(text.find("format = \"BGR888\"\n"), 18);
	EXPECT_EQ(errorOf(text),
		  "x.toml:1:1: source.format: required key missing (such as \"BGR888\")");

	text = kLibcamera;
	text.replace(text.find("\"BGR888\""), 8, "\"SBGGR8\"");
	EXPECT_EQ(errorOf(text), "x.toml:4:1: source.format: SBGGR8 has no DRM fourcc, and "
				 "libcamera names its formats by DRM fourcc; `primecam list` "
				 "shows what a camera offers");

	text = kLibcamera;
	text.replace(text.find("\"BGR888\""), 8, "\"NM12\"");
	EXPECT_EQ(errorOf(text), "x.toml:4:1: source.format: \"NM12\" is a V4L2 "
				 "one-buffer-per-plane fourcc; libcamera names formats by DRM "
				 "fourcc (\"NV12\")");

	text = kLibcamera;
	text.replace(text.find("\"libcamera\""), 11, "\"gstreamer\"");
	EXPECT_EQ(errorOf(text), "x.toml:2:1: source.type: expected \"v4l2\" or \"libcamera\", "
				 "got \"gstreamer\"");
}

TEST(ConfigParser, TheVimcConfigConvertsBgr888ForVkms)
{
	Result<PipelineConfig> config = loadConfigFile(std::string(PRIMECAM_SOURCE_DIR) +
						       "/configs/vimc-libcamera-vkms.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source.type(), SourceConfig::Type::Libcamera);
	EXPECT_EQ(config->source.libcamera().format->name, "BGR888");
	ASSERT_EQ(config->stages.size(), 1u);
	EXPECT_EQ(config->stages[0].type, StageConfig::Type::Convert);
	EXPECT_EQ(config->stages[0].format->name, "XRGB8888");
	ASSERT_EQ(config->sinks.size(), 1u);
	EXPECT_EQ(config->sinks[0].kms.card, "vkms");
}

} /* namespace */
} /* namespace primecam */
