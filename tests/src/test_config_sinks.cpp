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

TEST(ConfigParser, KmsSinkYuvEncodingKeys)
{
	Result<PipelineConfig> config = parseConfig(
		withKmsSink("matrix = \"bt709\"\nrange = \"full\"\naccept_plane_encoding = true\n"),
		"x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const KmsSinkConfig &kms = config->sinks[0].kms;
	EXPECT_EQ(kms.encoding.matrix, YuvMatrix::Bt709);
	EXPECT_EQ(kms.encoding.range, YuvRange::Full);
	EXPECT_TRUE(kms.acceptPlaneEncoding);

	config = parseConfig(withKmsSink(""), "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_TRUE(config->sinks[0].kms.encoding.empty());
	EXPECT_FALSE(config->sinks[0].kms.acceptPlaneEncoding);
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
		 "x.toml:11:1: sink[0].placement: expected \"fullscreen\", \"center\", \"rect\", "
		 "\"fit\" or \"fill\", got \"middle\""},
		{"placement = \"fit\"\nwidth = 10\n",
		 "x.toml:12:1: sink[0].width: only used with placement = \"rect\"; remove it "
		 "or change that key"},
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

TEST(ConfigParser, FitAndFillAreKmsPlacements)
{
	for (auto [text, placement] : {std::pair{"fit", KmsSinkConfig::Placement::Fit},
				       std::pair{"fill", KmsSinkConfig::Placement::Fill}}) {
		Result<PipelineConfig> config = parseConfig(
			withKmsSink("placement = \"" + std::string(text) + "\"\n"), "x.toml");
		ASSERT_TRUE(config) << config.error().message;
		EXPECT_EQ(config->sinks[0].kms.placement, placement);
	}
	/* gl-kms scales as it draws, into buffers of its own size. */
	std::string glKms = std::string(kSource) +
			    "[[sink]]\ntype = \"gl-kms\"\ncard = \"vkms\"\nplacement = \"fit\"\n";
	EXPECT_EQ(errorOf(glKms).rfind("x.toml:11:1: sink[0].placement: \"fit\" and \"fill\" "
				       "ask the plane to scale",
				       0),
		  0u)
		<< errorOf(glKms);
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
	EXPECT_EQ(pool->source().v4l2().poolCard, "vkms");
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
	EXPECT_EQ(pool->source().v4l2().poolCard, "vkms");
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

} /* namespace */
} /* namespace primecam */
