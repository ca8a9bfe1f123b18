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

TEST(ConfigParser, DemoConfigReadsEveryKey)
{
	std::string path = std::string(PRIMECAM_SOURCE_DIR) + "/configs/vivid-vkms.toml";
	Result<PipelineConfig> config = loadConfigFile(path);
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->file, path);
	const CaptureConfig &c = config->source().v4l2();
	EXPECT_EQ(config->source().type(), SourceConfig::Type::V4l2);
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
	EXPECT_EQ(gl->source().v4l2().memory, CaptureConfig::Memory::Dmabuf);
	EXPECT_EQ(gl->source().v4l2().poolCard, "vkms");

	std::string dir = std::string(PRIMECAM_SOURCE_DIR) + "/configs/";
	Result<PipelineConfig> webcam = loadConfigFile(dir + "webcam-gl-window.toml");
	ASSERT_TRUE(webcam) << webcam.error().message;
	EXPECT_EQ(webcam->sinks.at(0).type, SinkConfig::Type::GlWindow);
	EXPECT_EQ(webcam->source().v4l2().device, "/dev/video0");
	EXPECT_EQ(webcam->source().v4l2().width, 640u);
	EXPECT_EQ(webcam->source().v4l2().height, 480u);

	Result<PipelineConfig> glKms = loadConfigFile(dir + "vivid-gl-kms.toml");
	ASSERT_TRUE(glKms) << glKms.error().message;
	EXPECT_EQ(glKms->sinks.at(0).type, SinkConfig::Type::GlKms);
	EXPECT_EQ(glKms->sinks[0].kms.card, "vkms");
	EXPECT_EQ(glKms->sinks[0].kms.mode, "640x480");
	EXPECT_EQ(glKms->source().v4l2().format, formatByName("YUYV"));
	/* the display card's own buffers, which GL imports for real */
	EXPECT_EQ(glKms->source().v4l2().memory, CaptureConfig::Memory::Dmabuf);
	EXPECT_EQ(glKms->source().v4l2().pool, CaptureConfig::Pool::Dumb);
	EXPECT_EQ(glKms->source().v4l2().poolCard, "vkms");

	Result<PipelineConfig> mplane = loadConfigFile(dir + "vivid-vkms-mplane.toml");
	ASSERT_TRUE(mplane);
	EXPECT_EQ(mplane->source().v4l2().api, CaptureConfig::Api::MultiPlanar);

	Result<PipelineConfig> dmabuf = loadConfigFile(dir + "vivid-vkms-dmabuf.toml");
	ASSERT_TRUE(dmabuf);
	EXPECT_EQ(dmabuf->source().v4l2().memory, CaptureConfig::Memory::Dmabuf);
	EXPECT_EQ(dmabuf->source().v4l2().pool, CaptureConfig::Pool::Dumb);
	EXPECT_EQ(dmabuf->source().v4l2().poolCard, "vkms");

	Result<PipelineConfig> overlay = loadConfigFile(dir + "vivid-vkms-overlay.toml");
	ASSERT_TRUE(overlay);
	EXPECT_EQ(overlay->source().v4l2().width, 320u);
	EXPECT_EQ(overlay->source().v4l2().height, 180u);
	EXPECT_EQ(overlay->sinks[0].kms.plane, KmsSinkConfig::Plane::Overlay);
	EXPECT_EQ(overlay->sinks[0].kms.placement, KmsSinkConfig::Placement::Center);
	EXPECT_EQ(overlay->sinks[0].kms.mode, "640x480");

	Result<PipelineConfig> bayer = loadConfigFile(dir + "vivid-bayer-libv4l2-null.toml");
	ASSERT_TRUE(bayer) << bayer.error().message;
	EXPECT_EQ(bayer->source().v4l2().memory, CaptureConfig::Memory::Libv4l2);
	EXPECT_EQ(bayer->source().v4l2().pool, CaptureConfig::Pool::DmaHeap);
	EXPECT_EQ(bayer->source().v4l2().format->name, "RGB888") << "V4L2 BGR24";
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
	const CaptureConfig &c = config->source().v4l2();
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
	EXPECT_EQ(config->source().v4l2().format->name, "XRGB8888");

	text.replace(text.find("XR24"), 4, "YUYV");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().format->name, "YUYV");

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
	EXPECT_EQ(config->source().v4l2().format->name, "NV12");
	EXPECT_TRUE(config->source().v4l2().nonContiguous);

	text.replace(text.find("NM12"), 4, "NV12");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_FALSE(config->source().v4l2().nonContiguous);

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
	EXPECT_DOUBLE_EQ(config->source().v4l2().fps, 29.97);
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
		  "format, width, height, fps, buffers, memory, pool, pool_card, controls, "
		  "input, reconnect, on_loss, restart_limit, restart_window_s and camera (did you "
		  "mean width?)");

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

} /* namespace */
} /* namespace primecam */
