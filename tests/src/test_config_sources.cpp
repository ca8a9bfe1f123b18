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

TEST(ConfigParser, DmabufPoolKeys)
{
	std::string dmabuf = withKmsSink("");
	dmabuf.insert(dmabuf.find("\n[[sink]]"), "memory = \"dmabuf\"\n");
	Result<PipelineConfig> config = parseConfig(dmabuf, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().pool, CaptureConfig::Pool::Dumb);
	/* The dumb pool defaults to the display's card. */
	EXPECT_EQ(config->source().v4l2().poolCard, "vkms");

	std::string heap = dmabuf;
	heap.insert(heap.find("\n[[sink]]"), "pool = \"dma-heap\"\n");
	config = parseConfig(heap, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().pool, CaptureConfig::Pool::DmaHeap);
	EXPECT_EQ(config->source().v4l2().poolCard, "");

	std::string udmabuf = dmabuf;
	udmabuf.insert(udmabuf.find("\n[[sink]]"), "pool = \"udmabuf\"\n");
	config = parseConfig(udmabuf, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().pool, CaptureConfig::Pool::Udmabuf);

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
	const CaptureConfig &c = config->source().v4l2();
	EXPECT_EQ(c.memory, CaptureConfig::Memory::Libv4l2);
	EXPECT_EQ(c.pool, CaptureConfig::Pool::DmaHeap);
	/* V4L2 BGR3 (bytes B,G,R) is DRM RGB888. */
	EXPECT_EQ(c.format->name, "RGB888");

	/* A dumb pool defaults to the kms sink's card, as for dmabuf. */
	std::string dumb = withKmsSink("");
	dumb.insert(dumb.find("\n[[sink]]"), "memory = \"libv4l2\"\n");
	config = parseConfig(dumb, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().pool, CaptureConfig::Pool::Dumb);
	EXPECT_EQ(config->source().v4l2().poolCard, "vkms");

	std::string noCard = kMinimal;
	noCard.insert(noCard.find("\n[[sink]]"), "memory = \"libv4l2\"\n");
	EXPECT_EQ(errorOf(noCard),
		  "x.toml:1:1: source.pool_card: required with memory = "
		  "\"libv4l2\" and pool = \"dumb\" when no kms or gl sink names a card");

	std::string card = noCard;
	card.insert(card.find("\n[[sink]]"), "pool_card = \"vgem\"\n");
	config = parseConfig(card, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().poolCard, "vgem");
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

TEST(ConfigParser, LibcameraSourceReadsEveryKey)
{
	Result<PipelineConfig> config = parseConfig(kLibcamera, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().type(), SourceConfig::Type::Libcamera);
	const LibcameraConfig &c = config->source().libcamera();
	EXPECT_EQ(c.camera, "platform/vimc.0 Sensor B");
	ASSERT_NE(c.format, nullptr);
	EXPECT_EQ(c.format->name, "BGR888");
	EXPECT_EQ(c.width, 636u);
	EXPECT_EQ(c.height, 480u);
	EXPECT_EQ(c.buffers, 6u);
	EXPECT_EQ(sourceFormat(config->source()), c.format);
	EXPECT_EQ(sourceWidth(config->source()), 636u);
	EXPECT_EQ(sourceHeight(config->source()), 480u);
}

TEST(ConfigParser, LibcameraCameraIsOptionalAndTakesAnIndex)
{
	std::string text = kLibcamera;
	text.erase(text.find("camera = "), text.find("format") - text.find("camera = "));
	Result<PipelineConfig> config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().libcamera().camera, "");
	EXPECT_EQ(config->source().libcamera().buffers, 6u);

	text = kLibcamera;
	text.replace(text.find("\"platform/vimc.0 Sensor B\""), 26, "1");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().libcamera().camera, "1");

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

	text = kLibcamera;
	text.insert(text.find("buffers"), "restart_limit = 2\n");
	EXPECT_EQ(errorOf(text), "x.toml:7:1: source.restart_limit: only used with type = "
				 "\"v4l2\"; remove it or change that key");

	text = kMinimal;
	text.insert(text.find("width"), "camera = 0\n");
	EXPECT_EQ(errorOf(text), "x.toml:5:1: source.camera: only used with type = "
				 "\"libcamera\"; remove it or change that key");
}

TEST(ConfigParser, InputReconnectAndRestartPolicyKeys)
{
	Result<PipelineConfig> config = parseConfig(kMinimal, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	/* The documented defaults (configs/README.md). */
	EXPECT_EQ(config->source().v4l2().restart.limit, 5u);
	EXPECT_EQ(config->source().v4l2().restart.windowS, 60u);

	std::string text = kMinimal;
	text.insert(text.find("width"), "restart_limit = 0\nrestart_window_s = 600\n");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().restart.limit, 0u);
	EXPECT_EQ(config->source().v4l2().restart.windowS, 600u);

	text = kMinimal;
	text.insert(text.find("width"), "input = 3\n");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().input, 3u);
	EXPECT_FALSE(parseConfig(kMinimal, "x.toml")->source().v4l2().input.has_value());
	EXPECT_FALSE(parseConfig(kMinimal, "x.toml")->source().v4l2().reconnect.has_value());
	text = kMinimal;
	text.insert(text.find("width"), "reconnect = true\n");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().reconnect, Source::OnLoss::Hold);
	text.insert(text.find("width"), "on_loss = \"black\"\n");
	config = parseConfig(text, "x.toml");
	ASSERT_TRUE(config) << config.error().message;
	EXPECT_EQ(config->source().v4l2().reconnect, Source::OnLoss::Black);
	text = kMinimal;
	text.insert(text.find("width"), "on_loss = \"black\"\n");
	EXPECT_EQ(errorOf(text), "x.toml:5:1: source.on_loss: only used with reconnect = true; "
				 "remove it or change that key");
	text = kMinimal;
	text.insert(text.find("width"), "reconnect = 1\n");
	EXPECT_EQ(errorOf(text), "x.toml:5:1: source.reconnect: expected true or false, got 1");

	text = kMinimal;
	text.insert(text.find("width"), "input = 256\n");
	EXPECT_EQ(errorOf(text),
		  "x.toml:5:1: source.input: expected an integer from 0 to 255, got 256");

	text = kMinimal;
	text.insert(text.find("width"), "restart_window_s = 0\n");
	EXPECT_EQ(
		errorOf(text),
		"x.toml:5:1: source.restart_window_s: expected an integer from 1 to 86400, got 0");
	text = kMinimal;
	text.insert(text.find("width"), "restart_limit = -1\n");
	EXPECT_EQ(errorOf(text),
		  "x.toml:5:1: source.restart_limit: expected an integer from 0 to 1000, got -1");
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
	EXPECT_EQ(config->source().type(), SourceConfig::Type::Libcamera);
	EXPECT_EQ(config->source().libcamera().format->name, "BGR888");
	ASSERT_EQ(config->stages.size(), 1u);
	EXPECT_EQ(config->stages[0].type, StageConfig::Type::Convert);
	EXPECT_EQ(config->stages[0].format->name, "XRGB8888");
	ASSERT_EQ(config->sinks.size(), 1u);
	EXPECT_EQ(config->sinks[0].kms.card, "vkms");
}

} /* namespace */
} /* namespace primecam */
