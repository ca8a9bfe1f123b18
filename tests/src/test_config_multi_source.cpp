/* SPDX-License-Identifier: MIT */
/* Several cameras in one config: [[source]] tables, names, and the rules
 * that span tables (which source each stage and sink takes, planes claimed
 * twice, the cells of a layout). */
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "src/config_parser.h"
#include "tests/src/config_test_text.h"

namespace primecam {
namespace {

/* A [[source]] table named name on vivid device. */
std::string namedSource(const std::string &name, const std::string &device = "vivid")
{
	return "[[source]]\nname = \"" + name + "\"\ntype = \"v4l2\"\ndevice = \"" + device +
	       "\"\nformat = \"XRGB8888\"\nwidth = 640\nheight = 480\n\n";
}

std::string nullSink(const std::string &source)
{
	return "[[sink]]\ntype = \"null\"\nsource = \"" + source + "\"\n";
}

std::string kmsSink(const std::string &source, const std::string &keys)
{
	return "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\nsource = \"" + source + "\"\n" + keys;
}

const std::string kThree = namedSource("front", "/dev/video0") +
			   namedSource("back", "/dev/video1") + namedSource("cabin", "/dev/video2");

TEST(ConfigMultiSource, SourcesKeepConfigOrderAndSinksTheirSource)
{
	Result<PipelineConfig> config =
		parseConfig(kThree + nullSink("cabin") + nullSink("front") + nullSink("back") +
				    "[[stage]]\ntype = \"invert\"\nsource = \"back\"\n",
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	ASSERT_EQ(config->sources.size(), 3u);
	EXPECT_EQ(config->sources[0].name, "front");
	EXPECT_EQ(config->sources[1].name, "back");
	EXPECT_EQ(config->sources[2].name, "cabin");
	EXPECT_EQ(config->sources[2].v4l2().device, "/dev/video2");
	EXPECT_EQ(&config->source(), &config->sources[0]);
	ASSERT_EQ(config->sinks.size(), 3u);
	EXPECT_EQ(config->sinks[0].source, 2u);
	EXPECT_EQ(config->sinks[1].source, 0u);
	EXPECT_EQ(config->sinks[2].source, 1u);
	ASSERT_EQ(config->stages.size(), 1u);
	EXPECT_EQ(config->stages[0].source, 1u);
	EXPECT_EQ(config->sinksOf(0), std::vector<size_t>{1});
	EXPECT_EQ(config->stagesOf(1), std::vector<size_t>{0});
	EXPECT_TRUE(config->stagesOf(0).empty());
	EXPECT_EQ(config->sourcePath(2), "source[2]");
}

TEST(ConfigMultiSource, ForSourceIsThatSourceAlone)
{
	Result<PipelineConfig> config =
		parseConfig(kThree + nullSink("cabin") + nullSink("front") + nullSink("back") +
				    "[[stage]]\ntype = \"invert\"\nsource = \"back\"\n",
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	PipelineConfig back = config->forSource(1);
	EXPECT_EQ(back.file, "x.toml");
	ASSERT_EQ(back.sources.size(), 1u);
	EXPECT_EQ(back.source().name, "back");
	ASSERT_EQ(back.sinks.size(), 1u);
	EXPECT_EQ(back.sinks[0].source, 0u);
	ASSERT_EQ(back.stages.size(), 1u);
	EXPECT_EQ(back.stages[0].source, 0u);
	EXPECT_EQ(back.sourcePath(0), "source");
	EXPECT_TRUE(config->forSource(0).stages.empty());
}

TEST(ConfigMultiSource, TheOnlySourceNeedsNoName)
{
	Result<PipelineConfig> config = parseConfig(kMinimal, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().name, "source");
	EXPECT_EQ(config->sinks[0].source, 0u);
	EXPECT_EQ(config->sourcePath(0), "source");

	/* [source] may have a name, and its sinks may give it. */
	std::string named = kMinimal;
	named.insert(named.find("type = \"v4l2\""), "name = \"road\"\n");
	config = parseConfig(named + "source = \"road\"\n", "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().name, "road");

	/* One [[source]] is the only source too. */
	config = parseConfig(std::string(kSource).replace(0, 8, "[[source]]") +
				     "[[sink]]\ntype = \"null\"\n",
			     "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	ASSERT_EQ(config->sources.size(), 1u);
	EXPECT_EQ(config->source().name, "source");
}

TEST(ConfigMultiSource, SeveralSourcesEachNeedAName)
{
	std::string unnamed = namedSource("front");
	unnamed.erase(unnamed.find("name = "), std::string("name = \"front\"\n").size());
	EXPECT_EQ(errorOf(namedSource("back") + unnamed + nullSink("back")),
		  "x.toml:9:1: source[1].name: required key missing (the config has 2 sources: "
		  "each needs a name, which its stages and sinks give as source = \"NAME\")");
	EXPECT_EQ(errorOf(namedSource("") + nullSink("x")),
		  "x.toml:2:1: source[0].name: must not be empty");
}

TEST(ConfigMultiSource, NamesAreUnique)
{
	EXPECT_EQ(errorOf(namedSource("front") + namedSource("front") + nullSink("front")),
		  "x.toml:10:1: source[1].name: \"front\" is already the name of source[0]; "
		  "each source needs a name of its own");
}

TEST(ConfigMultiSource, WithSeveralSourcesEachSinkAndStageNamesOne)
{
	EXPECT_EQ(errorOf(kThree + nullSink("front") + nullSink("back") +
			  "[[sink]]\ntype = \"null\"\n"),
		  "x.toml:31:1: sink[2].source: required when the config has 3 sources (front, "
		  "back, cabin)");
	EXPECT_EQ(errorOf(kThree + nullSink("front") + nullSink("back") + nullSink("cabin") +
			  "[[stage]]\ntype = \"invert\"\n"),
		  "x.toml:34:1: stage[0].source: required when the config has 3 sources (front, "
		  "back, cabin)");
}

TEST(ConfigMultiSource, UnknownSourceNamesListTheKnownOnes)
{
	EXPECT_EQ(errorOf(kThree + nullSink("front") + nullSink("rear")),
		  "x.toml:30:1: sink[1].source: unknown source \"rear\"; the config's sources "
		  "are front, back, cabin");
	EXPECT_EQ(errorOf(kMinimal + "source = \"front\"\n"),
		  "x.toml:10:1: sink[0].source: unknown source \"front\"; the config's source is "
		  "source");
	EXPECT_EQ(errorOf(withStages("[[stage]]\ntype = \"invert\"\nsource = 4\n")),
		  "x.toml:10:1: stage[0].source: expected a string, got 4");
}

TEST(ConfigMultiSource, EverySourceFeedsASink)
{
	EXPECT_EQ(errorOf(kThree + nullSink("front") + nullSink("cabin")),
		  "x.toml:9:1: source[1]: no [[sink]] takes the frames of \"back\"; give a sink "
		  "source = \"back\" or remove the source");
	/* A stage is no consumer: its frames go nowhere without a sink. */
	EXPECT_NE(errorOf(kThree + nullSink("front") + nullSink("cabin") +
			  "[[stage]]\ntype = \"invert\"\nsource = \"back\"\n")
			  .find("no [[sink]] takes the frames of \"back\""),
		  std::string::npos);
}

TEST(ConfigMultiSource, SourceTablesSayWhatTheyTake)
{
	EXPECT_EQ(errorOf(namedSource("a") + "nmae = 1\n" + nullSink("a")),
		  "x.toml:9:1: source[0].nmae: unknown key; a [[source]] takes type, device, api, "
		  "format, width, height, fps, buffers, memory, pool, pool_card, controls, input, "
		  "reconnect, on_loss, restart_limit, restart_window_s and camera (did you mean "
		  "name?)");
	EXPECT_EQ(errorOf(namedSource("a") + "[[sink]]\ntype = \"null\"\nsorce = \"a\"\n"),
		  "x.toml:11:1: sink[0].sorce: unknown key; a null [[sink]] takes type (did you "
		  "mean source?)");
}

TEST(ConfigMultiSource, TwoSinksCannotClaimOnePlane)
{
	EXPECT_EQ(
		errorOf(namedSource("a") + namedSource("b") + kmsSink("a", "") + kmsSink("b", "")),
		"x.toml:21:1: sink[1].plane: the primary plane of card \"vkms\" is already "
		"sink[0]'s; give each sink a plane of its own (plane = \"overlay\" or a plane "
		"id from `primecam list`)");
	EXPECT_EQ(errorOf(namedSource("a") + namedSource("b") + kmsSink("a", "plane = 40\n") +
			  kmsSink("b", "plane = 40\n")),
		  "x.toml:26:1: sink[1].plane: plane 40 of card \"vkms\" is already sink[0]'s; "
		  "give each sink a plane of its own (plane = \"overlay\" or a plane id from "
		  "`primecam list`)");
	EXPECT_NE(errorOf(namedSource("a") + namedSource("b") +
			  kmsSink("a", "plane = \"primary\"\n") +
			  kmsSink("b", "plane = \"primary\"\n"))
			  .find("the primary plane of card \"vkms\" is already sink[0]'s"),
		  std::string::npos);
	/* Planes of their own, or picked at run time, or on other cards. */
	EXPECT_EQ(errorOf(namedSource("a") + namedSource("b") + kmsSink("a", "plane = 40\n") +
			  kmsSink("b", "plane = 41\n")),
		  "");
	EXPECT_EQ(errorOf(namedSource("a") + namedSource("b") +
			  kmsSink("a", "plane = \"overlay\"\n") +
			  kmsSink("b", "plane = \"overlay\"\n")),
		  "");
	EXPECT_EQ(errorOf(namedSource("a") + namedSource("b") + kmsSink("a", "") +
			  "[[sink]]\ntype = \"kms\"\ncard = \"/dev/dri/card0\"\nsource = \"b\"\n"),
		  "");
}

TEST(ConfigMultiSource, LayoutsNumberTheirCellsPerCard)
{
	Result<PipelineConfig> config = parseConfig(
		namedSource("a") + namedSource("b") + namedSource("c") +
			kmsSink("a", "plane = 40\nlayout = \"mosaic\"\n") +
			kmsSink("b", "plane = 41\nlayout = \"mosaic\"\nzpos = 3\n") +
			kmsSink("c", "plane = 42\nlayout = \"mosaic\"\n") +
			"[[sink]]\ntype = \"kms\"\ncard = \"/dev/dri/card0\"\nsource = \"c\"\n"
			"layout = \"mosaic\"\n" +
			kmsSink("a", "plane = 43\nlayout = \"pip\"\n") +
			kmsSink("b", "plane = 44\nlayout = \"pip\"\n"),
		"x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const std::vector<SinkConfig> &sinks = config->sinks;
	ASSERT_EQ(sinks.size(), 6u);
	for (size_t i = 0; i < 3; ++i) {
		EXPECT_EQ(sinks[i].kms.placement, KmsSinkConfig::Placement::Mosaic);
		EXPECT_EQ(sinks[i].kms.cell, i);
		EXPECT_EQ(sinks[i].kms.cells, 3u);
	}
	EXPECT_EQ(sinks[1].kms.zpos, 3u);
	EXPECT_FALSE(sinks[0].kms.zpos);
	/* Another card: a mosaic of its own. */
	EXPECT_EQ(sinks[3].kms.cell, 0u);
	EXPECT_EQ(sinks[3].kms.cells, 1u);
	/* pip: the first is the main picture. */
	EXPECT_EQ(sinks[4].kms.placement, KmsSinkConfig::Placement::Pip);
	EXPECT_EQ(sinks[4].kms.cell, 0u);
	EXPECT_EQ(sinks[5].kms.cell, 1u);
	EXPECT_EQ(sinks[5].kms.cells, 2u);
}

TEST(ConfigMultiSource, LayoutAndPlacementAreOneOrTheOther)
{
	EXPECT_EQ(errorOf(withKmsSink("layout = \"mosaic\"\nplacement = \"center\"\n")),
		  "x.toml:12:1: sink[0].placement: only used with no layout (layout places the "
		  "sink); remove it or change that key");
	EXPECT_EQ(errorOf(withKmsSink("layout = \"pip\"\nx = 5\n")),
		  "x.toml:12:1: sink[0].x: only used with placement = \"rect\"; remove it or "
		  "change that key");
	EXPECT_EQ(errorOf(withKmsSink("layout = \"grid\"\n")),
		  "x.toml:11:1: sink[0].layout: expected \"mosaic\" or \"pip\", got \"grid\"");
	EXPECT_EQ(errorOf(withKmsSink("zpos = -1\n")),
		  "x.toml:11:1: sink[0].zpos: expected an integer from 0 to 4294967295, got -1");
	/* gl-kms: a layout draws at the mode's size, not at width x height. */
	EXPECT_EQ(errorOf(std::string(kSource) +
			  "[[sink]]\ntype = \"gl-kms\"\ncard = \"vkms\"\nlayout = \"mosaic\"\n"
			  "placement = \"center\"\n"),
		  "x.toml:12:1: sink[0].placement: only used with no layout (layout places the "
		  "sink); remove it or change that key");
	EXPECT_EQ(errorOf(std::string(kSource) +
			  "[[sink]]\ntype = \"gl-kms\"\ncard = \"vkms\"\nlayout = \"mosaic\"\n"
			  "width = 640\nheight = 480\n"),
		  "x.toml:12:1: sink[0].width: only used with no layout (a layout draws at the "
		  "mode's size; mode = \"WxH\" chooses it); remove it or change that key");
}

std::string glKmsSink(const std::string &source, const std::string &keys,
		      const std::string &card = "vkms")
{
	return "[[sink]]\ntype = \"gl-kms\"\ncard = \"" + card + "\"\nsource = \"" + source +
	       "\"\n" + keys;
}

/* gl-kms sinks with a layout: GL draws them into one buffer on one plane,
 * which they share (no plane claimed twice), numbered like kms cells. */
TEST(ConfigMultiSource, GlKmsSinksWithALayoutComposeOnePlane)
{
	Result<PipelineConfig> config = parseConfig(
		kThree + glKmsSink("front", "layout = \"mosaic\"\nmode = \"1024x768\"\n") +
			glKmsSink("back", "layout = \"mosaic\"\n") +
			glKmsSink("cabin", "layout = \"mosaic\"\n") +
			glKmsSink("cabin", "layout = \"pip\"\n", "/dev/dri/card0"),
		"x.toml");
	ASSERT_TRUE(config) << config.error().message;
	const std::vector<SinkConfig> &sinks = config->sinks;
	ASSERT_EQ(sinks.size(), 4u);
	for (size_t i = 0; i < 3; ++i) {
		EXPECT_EQ(sinks[i].type, SinkConfig::Type::GlKms);
		EXPECT_EQ(sinks[i].kms.placement, KmsSinkConfig::Placement::Mosaic);
		EXPECT_EQ(sinks[i].kms.plane, KmsSinkConfig::Plane::Primary);
		EXPECT_EQ(sinks[i].kms.cell, i);
		EXPECT_EQ(sinks[i].kms.cells, 3u);
	}
	EXPECT_EQ(sinks[3].kms.placement, KmsSinkConfig::Placement::Pip);
	EXPECT_EQ(sinks[3].kms.cells, 1u);
	/* Without a layout, two gl-kms sinks still claim one plane. */
	EXPECT_NE(errorOf(namedSource("a") + namedSource("b") + glKmsSink("a", "") +
			  glKmsSink("b", ""))
			  .find("the primary plane of card \"vkms\" is already sink[0]'s"),
		  std::string::npos);
}

TEST(ConfigMultiSource, ACardComposedByGlIsItsLayoutsAlone)
{
	const std::string two = namedSource("a") + namedSource("b");
	const std::string gl = glKmsSink("a", "layout = \"mosaic\"\n");
	/* A kms sink beside it, before or after: refused, naming both. */
	EXPECT_EQ(errorOf(two + gl + kmsSink("b", "plane = 40\n")),
		  "x.toml:22:1: sink[1]: a kms sink on card \"vkms\", which sink[0]'s gl-kms "
		  "layout = \"mosaic\" composes into one buffer: give every sink on that card "
		  "type = \"gl-kms\" and layout = \"mosaic\" (GL draws them all), or make them "
		  "all kms sinks");
	EXPECT_NE(errorOf(two + kmsSink("b", "plane = 40\nlayout = \"mosaic\"\n") + gl)
			  .find("sink[0]: a kms sink on card \"vkms\", which sink[1]'s gl-kms"),
		  std::string::npos);
	EXPECT_NE(errorOf(two + gl + glKmsSink("b", "plane = 40\n"))
			  .find("sink[1]: a gl-kms sink without a layout on card \"vkms\""),
		  std::string::npos);
	EXPECT_NE(errorOf(two + gl + glKmsSink("b", "layout = \"pip\"\n"))
			  .find("sink[1]: a gl-kms sink with another layout on card \"vkms\""),
		  std::string::npos);
	/* Other cards, and other sink types, are not its business. */
	EXPECT_EQ(errorOf(two + gl +
			  "[[sink]]\ntype = \"kms\"\ncard = \"/dev/dri/card0\"\nsource = \"b\"\n"),
		  "");
	EXPECT_EQ(errorOf(two + gl + nullSink("b")), "");
}

TEST(ConfigMultiSource, EachSourcesDumbPoolDefaultsToItsOwnSinksCard)
{
	std::string a = namedSource("a");
	a.insert(a.find("format"), "memory = \"dmabuf\"\npool = \"dumb\"\n");
	std::string b = namedSource("b");
	b.insert(b.find("format"), "memory = \"dmabuf\"\npool = \"dumb\"\n");
	Result<PipelineConfig> config =
		parseConfig(a + b + nullSink("a") + kmsSink("b", "") +
				    "[[sink]]\ntype = \"kms\"\ncard = \"/dev/dri/card0\"\n"
				    "source = \"a\"\n",
			    "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->sources[0].v4l2().poolCard, "/dev/dri/card0");
	EXPECT_EQ(config->sources[1].v4l2().poolCard, "vkms");

	EXPECT_EQ(errorOf(a + b + nullSink("a") + kmsSink("b", "")),
		  "x.toml:1:1: source[0].pool_card: required with memory = \"dmabuf\" and pool = "
		  "\"dumb\" when no kms or gl sink names a card");
}

TEST(ConfigMultiSource, SourceIsNeitherATableNorTables)
{
	EXPECT_EQ(errorOf("source = [1]\n[[sink]]\ntype = \"null\"\n"),
		  "x.toml:1:11: source[0]: expected a table, got 1");
}

/* Every shipped config parses; those with one [source] table keep their one
 * source, named "source", fed to every stage and sink; the mosaic demo is four
 * sources, each on its own cell. */
TEST(ConfigMultiSource, EveryShippedConfigParsesAsItsSources)
{
	namespace fs = std::filesystem;
	size_t seen = 0;
	for (const fs::directory_entry &entry :
	     fs::directory_iterator(fs::path(PRIMECAM_SOURCE_DIR) / "configs")) {
		if (entry.path().extension() != ".toml")
			continue;
		++seen;
		Result<PipelineConfig> config = loadConfigFile(entry.path().string());
		ASSERT_TRUE(config) << config.error().message;
		const bool gl = entry.path().filename() == "vivid4-gl-mosaic-vkms.toml";
		if (entry.path().filename() == "vivid4-mosaic-vkms.toml" || gl) {
			ASSERT_EQ(config->sources.size(), 4u);
			ASSERT_EQ(config->sinks.size(), 4u);
			for (size_t i = 0; i < 4; ++i) {
				EXPECT_EQ(config->sinks[i].type,
					  gl ? SinkConfig::Type::GlKms : SinkConfig::Type::Kms);
				EXPECT_EQ(config->sinks[i].source, i);
				EXPECT_EQ(config->sinks[i].kms.placement,
					  KmsSinkConfig::Placement::Mosaic);
				EXPECT_EQ(config->sinks[i].kms.cell, i);
				EXPECT_EQ(config->sinks[i].kms.cells, 4u);
			}
			continue;
		}
		ASSERT_EQ(config->sources.size(), 1u) << entry.path();
		EXPECT_EQ(config->source().name, "source");
		for (const SinkConfig &sink : config->sinks)
			EXPECT_EQ(sink.source, 0u);
		for (const StageConfig &stage : config->stages)
			EXPECT_EQ(stage.source, 0u);
	}
	EXPECT_GE(seen, 15u);
}

} /* namespace */
} /* namespace primecam */
