/* SPDX-License-Identifier: MIT */
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/config_parser.h"
#include "src/verify/case_config.h"
#include "src/verify/verify_matrix.h"

using namespace primecam;

namespace {

/* vkms: 1024x768 preferred, a few DMT modes, overlay planes. */
DisplayOffer vkms()
{
	DisplayOffer display;
	display.card = "/dev/dri/card0";
	display.preferred = {1024, 768};
	display.modes = {{1024, 768}, {1920, 1080}, {1280, 720}, {800, 600}, {640, 480}};
	display.overlay = true;
	return display;
}

/* vivid's webcam sizes, for every format. */
CameraOffer vivid(std::vector<const char *> formats)
{
	CameraOffer camera;
	camera.device = "/dev/video0";
	camera.driver = "vivid";
	camera.apis = {"single-planar"};
	for (const char *name : formats)
		camera.formats.push_back(
			{formatByName(name),
			 {{320, 180}, {640, 360}, {640, 480}, {1280, 720}, {1920, 1080}}});
	return camera;
}

std::vector<std::string> names(const std::vector<CaseSpec> &cases)
{
	std::vector<std::string> out;
	for (const CaseSpec &spec : cases)
		out.push_back(spec.name() + (spec.unmade.empty() ? "" : " (unmade)"));
	return out;
}

} /* namespace */

TEST(VerifyMatrix, MainSizeIsTheLargestModeUpToThePreferredOne)
{
	CameraOffer camera = vivid({"XRGB8888"});
	/* 1280x720 and 1920x1080 are modes too, larger than 1024x768. */
	std::optional<FrameSize> main = mainSize(camera.formats[0], vkms());
	ASSERT_TRUE(main);
	EXPECT_EQ(main->width, 640u);
	EXPECT_EQ(main->height, 480u);
	std::optional<FrameSize> small = overlaySize(camera.formats[0], *main);
	ASSERT_TRUE(small);
	/* 640x360 is not narrower than 640x480. */
	EXPECT_EQ(small->width, 320u);
	EXPECT_EQ(small->height, 180u);
}

TEST(VerifyMatrix, EveryFormatOnThePrimaryAndOnAnOverlay)
{
	EXPECT_EQ(names(formatCases(vivid({"XRGB8888", "YUYV"}), vkms())),
		  (std::vector<std::string>{
			  "XRGB8888/640x480/mmap/single-planar/primary",
			  "XRGB8888/320x180/mmap/single-planar/overlay",
			  "YUYV/640x480/mmap/single-planar/primary",
			  "YUYV/320x180/mmap/single-planar/overlay",
		  }));
	DisplayOffer noOverlay = vkms();
	noOverlay.overlay = false;
	EXPECT_EQ(names(formatCases(vivid({"NV12"}), noOverlay)),
		  std::vector<std::string>{"NV12/640x480/mmap/single-planar/primary"});
}

TEST(VerifyMatrix, AFormatWithNoModeSizeIsListedUnmadeAndStillTriesAnOverlay)
{
	CameraOffer camera = vivid({"BGR888"});
	camera.libcamera = true;
	camera.apis.clear();
	camera.formats[0].sizes = {{636, 480}, {1020, 768}};
	std::vector<CaseSpec> cases = formatCases(camera, vkms());
	EXPECT_EQ(names(cases), (std::vector<std::string>{
					"BGR888/1024x768/libcamera/primary (unmade)",
					"BGR888/636x480/libcamera/overlay",
				}));
	EXPECT_NE(cases[0].unmade.find("equals a display mode up to the preferred 1024x768"),
		  std::string::npos)
		<< cases[0].unmade;
	EXPECT_EQ(cases[1].mode.width, 1024u);
}

TEST(VerifyMatrix, MemoryAndApiCasesCrossOneFormatPerPath)
{
	CameraOffer camera = vivid({"XRGB8888", "YUYV"});
	camera.apis = {"single-planar", "multi-planar"};
	camera.pools = {PoolKind::Dumb, PoolKind::DmaHeap};
	std::vector<CaseSpec> formats = formatCases(camera, vkms());
	std::vector<CaseSpec> representatives = {formats[0], formats[2]};
	EXPECT_EQ(names(memoryCases(representatives, camera)),
		  (std::vector<std::string>{
			  "XRGB8888/640x480/dmabuf-dumb/single-planar/primary",
			  "XRGB8888/640x480/dmabuf-dma-heap/single-planar/primary",
			  "XRGB8888/640x480/mmap/multi-planar/primary",
			  "YUYV/640x480/dmabuf-dumb/single-planar/primary",
			  "YUYV/640x480/dmabuf-dma-heap/single-planar/primary",
			  "YUYV/640x480/mmap/multi-planar/primary",
		  }));
}

TEST(VerifyCaseConfig, EachPathIsAConfigTheParserTakes)
{
	CameraOffer camera = vivid({"NV12"});
	DisplayOffer display = vkms();
	CaseSpec spec = formatCases(camera, display).front();
	spec.pool = PoolKind::Dumb;
	const PathStage paths[] = {
		{VerifyPath::Direct, {}, nullptr, {}},
		{VerifyPath::M2m, "vim2m", formatByName("RGB565"), {}},
		{VerifyPath::Conversion, {}, formatByName("XRGB8888"), YuvMatrix::Bt709},
		{VerifyPath::GlKms, {}, nullptr, {}},
	};
	for (const PathStage &path : paths) {
		std::string text = caseConfigText(spec, path, camera, display);
		Result<PipelineConfig> config = parseConfig(text, spec.name());
		ASSERT_TRUE(config) << config.error().message << "\n" << text;
		EXPECT_EQ(config->stages.size(),
			  path.path == VerifyPath::M2m || path.path == VerifyPath::Conversion ? 1u
											      : 0u);
		ASSERT_EQ(config->sinks.size(), 1u);
		EXPECT_EQ(config->sinks[0].type, path.path == VerifyPath::GlKms
							 ? SinkConfig::Type::GlKms
							 : SinkConfig::Type::Kms);
		const CaptureConfig &capture = config->source().v4l2();
		EXPECT_EQ(capture.format, formatByName("NV12"));
		EXPECT_EQ(capture.memory, CaptureConfig::Memory::Dmabuf);
		EXPECT_EQ(capture.pool, PoolKind::Dumb);
		/* vivid's rate and capture times, which latency needs. */
		EXPECT_EQ(capture.fps, 25);
		EXPECT_NE(text.find("timestamp_source = 1"), std::string::npos);
	}
	std::string converting = caseConfigText(spec, paths[2], camera, display);
	EXPECT_NE(converting.find("matrix = \"bt709\""), std::string::npos) << converting;
}
