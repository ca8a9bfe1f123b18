/* SPDX-License-Identifier: MIT */
/*
 * configs/vivid4-mosaic-vkms.toml through the program: four cameras, four
 * overlay planes, one display. The stats have one entry per source, the
 * snapshot shows each camera's test pattern in its own quadrant.
 */
#include <array>
#include <set>

#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <unistd.h>

#include "src/png_file.h"
#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

using namespace std::chrono_literals;

namespace primecam::test {

namespace {

bool haveFourCameras()
{
	return VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE).size() >= 4;
}

} /* namespace */

TEST(CliCameras, FourCamerasInAMosaicEachInItsQuadrantWithStatsPerSource)
{
	PRIMECAM_NEED_DEVICE(haveFourCameras(), "four single-planar vivid cameras");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	extendTestTimeout(300);

	std::string stats = outDir() + "/mosaic.json", png = outDir() + "/mosaic.png";
	unlink(stats.c_str());
	unlink(png.c_str());
	Program run("mosaic", {"run", config("vivid4-mosaic-vkms.toml"), "--frames", "60",
			       "--stats", stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(240s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	ASSERT_TRUE(doc.contains("sources")) << doc.dump(2);
	ASSERT_EQ(doc["sources"].size(), 4u) << doc.dump(2);
	const char *names[] = {"front", "rear", "left", "right"};
	for (size_t i = 0; i < 4; ++i) {
		const nlohmann::json &source = doc["sources"][i];
		EXPECT_EQ(source["name"], names[i]) << doc.dump(2);
		EXPECT_EQ(source["copies"], 0) << doc.dump(2);
		EXPECT_FALSE(source.contains("error")) << doc.dump(2);
		ASSERT_EQ(source["sinks"].size(), 1u) << doc.dump(2);
		EXPECT_GE(source["sinks"][0]["displayed"].get<uint64_t>(), 10u) << doc.dump(2);
	}
	EXPECT_NE(run.out().find("front"), std::string::npos) << run.out();
	/* One display for the four sinks: its commits carried several planes
	 * at once and never overlapped. */
	ASSERT_EQ(doc["displays"].size(), 1u) << doc.dump(2);
	const nlohmann::json &display = doc["displays"][0];
	EXPECT_GE(display["commits"].get<uint64_t>(), 10u) << doc.dump(2);
	EXPECT_GE(display["max_planes_per_commit"].get<uint64_t>(), 2u) << doc.dump(2);
	EXPECT_EQ(display["overlapping_commits"], 0) << doc.dump(2);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 1280u);
	ASSERT_EQ(image->height, 960u);
	/* The config's patterns, quadrant by quadrant: 100% red, green, blue
	 * and white (0xRRGGBB as the PNG has them). The lower half of each
	 * quadrant: vivid writes its text at the top of a frame. */
	const uint32_t expected[] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
	for (uint32_t i = 0; i < 4; ++i) {
		uint32_t x0 = (i % 2) * 640, y0 = (i / 2) * 480;
		EXPECT_EQ(coloursIn(*image, x0 + 40, y0 + 240, x0 + 600, y0 + 440),
			  std::set<uint32_t>{expected[i]})
			<< "quadrant " << i << " (" << names[i] << ")";
	}
}

#ifdef PRIMECAM_HAVE_EGL
/*
 * configs/vivid4-gl-mosaic-vkms.toml: the same four cameras as gl-kms sinks
 * with layout = "mosaic", which the program builds as one composition on
 * the card: one buffer on the primary plane, each camera drawn into its
 * quadrant. Shown, not a rate: llvmpipe under emulation draws an output in
 * a fraction of a second.
 */
TEST(CliCameras, FourCamerasComposedByGlEachInItsQuadrant)
{
	PRIMECAM_NEED_DEVICE(haveFourCameras(), "four single-planar vivid cameras");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	extendTestTimeout(300);

	std::string stats = outDir() + "/gl-mosaic.json", png = outDir() + "/gl-mosaic.png";
	unlink(stats.c_str());
	unlink(png.c_str());
	/* 10 s at 25 fps: llvmpipe under emulation draws one output in 0.3
	 * to 1.5 s, by the host's load, and each camera must be in one. */
	Program run("gl-mosaic", {"run", config("vivid4-gl-mosaic-vkms.toml"), "--frames", "250",
				  "--stats", stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(240s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	ASSERT_EQ(doc["sources"].size(), 4u) << doc.dump(2);
	for (size_t i = 0; i < 4; ++i) {
		const nlohmann::json &source = doc["sources"][i];
		EXPECT_EQ(source["copies"], 0) << doc.dump(2);
		EXPECT_FALSE(source.contains("error")) << doc.dump(2);
		ASSERT_EQ(source["sinks"].size(), 1u) << doc.dump(2);
		EXPECT_NE(source["sinks"][0]["name"].get<std::string>().find("gl-kms mosaic cell " +
									     std::to_string(i)),
			  std::string::npos)
			<< doc.dump(2);
		EXPECT_GE(source["sinks"][0]["displayed"].get<uint64_t>(), 1u) << doc.dump(2);
	}
	/* One display, the composition's: one plane per commit (the one
	 * composed buffer), never two commits at once. */
	ASSERT_EQ(doc["displays"].size(), 1u) << doc.dump(2);
	const nlohmann::json &display = doc["displays"][0];
	EXPECT_GE(display["commits"].get<uint64_t>(), 1u) << doc.dump(2);
	EXPECT_EQ(display["max_planes_per_commit"], 1) << doc.dump(2);
	EXPECT_EQ(display["overlapping_commits"], 0) << doc.dump(2);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 1280u);
	ASSERT_EQ(image->height, 960u);
	/* As for the planes: the patterns quadrant by quadrant, below
	 * vivid's text. */
	const uint32_t expected[] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
	for (uint32_t i = 0; i < 4; ++i) {
		uint32_t x0 = (i % 2) * 640, y0 = (i / 2) * 480;
		EXPECT_EQ(coloursIn(*image, x0 + 40, y0 + 240, x0 + 600, y0 + 440),
			  std::set<uint32_t>{expected[i]})
			<< "quadrant " << i;
	}
}
#endif

} /* namespace primecam::test */
