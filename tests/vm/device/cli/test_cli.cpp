/* SPDX-License-Identifier: MIT */
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm/card.h"
#include "src/build_config.h"
#include "src/png_file.h"
#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

/*
 * The primecam program end to end, as a user runs it: the built binary on
 * the shipped configs, its exit status, its stderr, its JSON and PNG files.
 */

namespace primecam {
namespace {

TEST(CliRun, DemoShowsEveryFrameWithoutCopiesAndSnapshotsTheScreen)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/demo.json", png = outDir() + "/demo.png";
	unlink(stats.c_str());
	unlink(png.c_str());
	Program run("demo", {"run", config("vivid-vkms.toml"), "--frames", "100", "--stats", stats,
			     "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	EXPECT_NE(run.out().find("100 frames captured"), std::string::npos) << run.out();
	/* stderr is a file here: no status line. */
	EXPECT_EQ(run.err(), "");

	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 100, 0.5);
	EXPECT_EQ(doc["config"], config("vivid-vkms.toml"));
	EXPECT_NE(doc["source"].get<std::string>().find("vivid"), std::string::npos);
	EXPECT_NE(doc["sinks"][0]["name"].get<std::string>().find("vkms"), std::string::npos);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	/* XRGB8888 from vivid to the screen untouched: exactly the bars. */
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, 0), "");
}

#ifdef PRIMECAM_HAVE_EGL
/*
 * configs/vivid-gl-kms.toml: vivid YUYV, which vkms cannot scan out, drawn
 * by GL into vkms's own buffers. --snapshot comes from the writeback of the
 * gl-kms sink's display. Few frames: llvmpipe under emulation draws one in
 * about 100 ms, so most frames are dropped as display_behind, none copied.
 */
TEST(GlKmsCli, ConfigShowsYuyvOnVkmsWithoutCopiesAndSnapshotsTheScreen)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/gl-kms.json", png = outDir() + "/gl-kms.png";
	unlink(stats.c_str());
	unlink(png.c_str());
	Program run("gl-kms", {"run", config("vivid-gl-kms.toml"), "--frames", "30", "--stats",
			       stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["sinks"].size(), 1u) << doc.dump(2);
	const nlohmann::json &sink = doc["sinks"][0];
	EXPECT_NE(sink["name"].get<std::string>().find("gl-kms"), std::string::npos) << doc.dump(2);
	/* shown, not a rate (llvmpipe on a loaded emulated host) */
	EXPECT_GE(sink["displayed"].get<uint64_t>(), 1u) << doc.dump(2);
	EXPECT_EQ(sink["copies"], 0);
	/* capture to the page flip that showed it */
	EXPECT_GT(sink["latency_ms"]["p50"].get<double>(), 0.0) << doc.dump(2);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	/* vivid's colour bars, converted by the GL shader */
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, kConvertedTolerance), "");
}
#endif

TEST(CliRun, OverlayConfigCentresTheFrameOnBlack)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/overlay.json", png = outDir() + "/overlay.png";
	Program run("overlay", {"run", config("vivid-vkms-overlay.toml"), "--frames", "50",
				"--stats", stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	expectZeroCopyDisplay(readJson(stats), 50, 0.5);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	/* 320x180 at (160, 150): the bars inside, black all around. */
	EXPECT_EQ(barsMismatch(*image, 160, 150, 320, 180, 0), "");
	for (auto [x0, y0, x1, y1] :
	     {std::array<uint32_t, 4>{0, 0, 640, 150}, std::array<uint32_t, 4>{0, 330, 640, 480},
	      std::array<uint32_t, 4>{0, 150, 160, 330},
	      std::array<uint32_t, 4>{480, 150, 640, 330}})
		EXPECT_EQ(coloursIn(*image, x0, y0, x1, y1), std::set<uint32_t>{0})
			<< "around the overlay: " << x0 << "," << y0 << " to " << x1 << "," << y1;
}

TEST(CliRun, MultiplanarConfigRuns)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE_MPLANE),
			     "a vivid multi-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/mplane.json";
	Program run("mplane",
		    {"run", config("vivid-vkms-mplane.toml"), "--frames", "50", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 50, 0.5);
	EXPECT_NE(doc["source"].get<std::string>().find("multi-planar"), std::string::npos)
		<< doc["source"];
}

TEST(CliRun, DmabufConfigCapturesIntoTheDisplaysDumbBuffers)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/dmabuf.json";
	Program run("dmabuf",
		    {"run", config("vivid-vkms-dmabuf.toml"), "--frames", "50", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 50, 0.5);
	EXPECT_NE(doc["source"].get<std::string>().find("DMABUF"), std::string::npos)
		<< doc["source"];
}

TEST(CliRun, ConvertConfigShowsYuyvOnVkmsThroughOneConversion)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/convert.json", png = outDir() + "/convert.png";
	Program run("convert", {"run", config("vivid-yuyv-convert-vkms.toml"), "--frames", "50",
				"--stats", stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	/* The pool it chose is said, not silent. */
	EXPECT_NE(run.err().find("stage[0]: pool \"dumb\" chosen"), std::string::npos) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 1u) << doc.dump(2);
	const nlohmann::json &stage = doc["stages"][0];
	uint64_t processed = stage["processed"].get<uint64_t>();
	EXPECT_GT(processed, 0u);
	EXPECT_EQ(doc["conversions"], processed);
	EXPECT_EQ(stage["sync"]["start"], 2 * processed) << doc.dump(2); /* input + output */
	EXPECT_EQ(stage["sync"]["end"], 2 * processed);
	EXPECT_NE(stage["name"].get<std::string>().find("convert YUYV -> XRGB8888"),
		  std::string::npos)
		<< stage["name"];
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	/* vivid's YUYV bars, converted by libyuv */
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, kConvertedTolerance), "");
}

TEST(CliRun, ScaleConfigShowsVivid320x180At640x480ThroughOneConversion)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/scale.json", png = outDir() + "/scale.png";
	Program run("scale", {"run", config("vivid-scale-vkms.toml"), "--frames", "50", "--stats",
			      stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	EXPECT_NE(run.err().find("stage[0]: pool \"dumb\" chosen"), std::string::npos) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 1u) << doc.dump(2);
	const nlohmann::json &stage = doc["stages"][0];
	uint64_t processed = stage["processed"].get<uint64_t>();
	EXPECT_GT(processed, 0u);
	EXPECT_EQ(doc["conversions"], processed) << doc.dump(2);
	EXPECT_EQ(stage["sync"]["start"], 2 * processed) << doc.dump(2); /* input + output */
	EXPECT_EQ(stage["sync"]["end"], 2 * processed);
	EXPECT_NE(stage["name"].get<std::string>().find(
			  "scale XRGB8888 320x180 -> XRGB8888 640x480 (bilinear)"),
		  std::string::npos)
		<< stage["name"];
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u);

	/* vivid's bars across the whole 640x480 screen: twice as wide as
	 * captured. Within 3 levels: libyuv's bilinear blend weighs by
	 * 127/128 (191 comes out 189 or 190; see pipeline/stages/image_scale.h). */
	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, 3), "");
}

TEST(CliRun, InvertConfigShowsComplementaryBarsAndLuma)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/invert.json", png = outDir() + "/invert.png";
	Program run("invert", {"run", config("vivid-invert-vkms.toml"), "--frames", "50", "--stats",
			       stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	EXPECT_EQ(doc["conversions"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 2u) << doc.dump(2);
	for (const nlohmann::json &stage : doc["stages"]) {
		EXPECT_EQ(stage["sync"]["start"], stage["processed"]) << stage.dump(2);
		EXPECT_EQ(stage["sync"]["end"], stage["processed"]) << stage.dump(2);
	}
	const nlohmann::json &luma = doc["stages"][1]["luma"];
	EXPECT_GT(luma["frames"].get<uint64_t>(), 0u) << doc.dump(2);
	uint64_t pixels = 0;
	for (const nlohmann::json &bin : luma["histogram_last"])
		pixels += bin.get<uint64_t>();
	EXPECT_EQ(pixels, 640u * 480u);

	/* The bars, each the bitwise complement of vivid's: the first grey
	 * 64, the last white. */
	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, 0, true), "");
}

TEST(CliDoctor, SaysZeroCopyConversionOrImpossibleAndWhy)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	Program zero("doctor-zero", {"doctor", config("vivid-vkms.toml")});
	ASSERT_EQ(zero.wait(60s), 0) << zero.out() << zero.err();
	EXPECT_NE(zero.out().find("scans out XRGB8888 directly"), std::string::npos) << zero.out();
	EXPECT_NE(zero.out().find("verdict: zero-copy"), std::string::npos) << zero.out();

	Program convert("doctor-convert",
			{"run", "--doctor", config("vivid-yuyv-convert-vkms.toml")});
	ASSERT_EQ(convert.wait(60s), 0) << convert.out() << convert.err();
	EXPECT_NE(convert.out().find("stage[0] convert: converts YUYV -> XRGB8888"),
		  std::string::npos)
		<< convert.out();
	EXPECT_NE(convert.out().find("verdict: one CPU conversion"), std::string::npos)
		<< convert.out();

	/* YUYV straight to vkms: refused, with what the plane takes and the fix. */
	std::string text = readFile(config("vivid-yuyv-convert-vkms.toml"));
	size_t stage = text.find("[[stage]]");
	size_t sink = text.find("[[sink]]");
	ASSERT_TRUE(stage != std::string::npos && sink != std::string::npos);
	text.erase(stage, sink - stage);
	std::string path = outDir() + "/yuyv-direct.toml";
	std::ofstream(path) << text;
	Program impossible("doctor-impossible", {"doctor", path});
	EXPECT_EQ(impossible.wait(60s), 1) << impossible.out() << impossible.err();
	EXPECT_NE(impossible.out().find("cannot scan out YUYV; it takes XRGB8888"),
		  std::string::npos)
		<< impossible.out();
	EXPECT_NE(impossible.out().find("add [[stage]] type = \"convert\" format = \"XRGB8888\""),
		  std::string::npos)
		<< impossible.out();
	EXPECT_NE(impossible.out().find("verdict: impossible as configured"), std::string::npos);
}

/* A size the camera does not offer: S_FMT would substitute the nearest, so
 * run refuses, and the doctor (asking with TRY_FMT) says the same, naming
 * the sizes that would work, rather than "zero-copy". */
TEST(CliDoctor, ASizeTheCameraDoesNotOfferIsRefusedByDoctorAndRunAlike)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string text = readFile(config("vivid-vkms.toml"));
	size_t width = text.find("width = 640\n");
	ASSERT_NE(width, std::string::npos);
	text.replace(width, 12, "width = 641\n");
	std::string path = outDir() + "/vivid-641.toml";
	std::ofstream(path) << text;

	const std::string reason = "does not offer XR24 641x480; sizes for XR24: ";
	Program doctor("doctor-641", {"doctor", path});
	EXPECT_EQ(doctor.wait(60s), 1) << doctor.out() << doctor.err();
	EXPECT_NE(doctor.out().find("verdict: impossible as configured"), std::string::npos)
		<< doctor.out();
	size_t said = doctor.out().find(reason);
	ASSERT_NE(said, std::string::npos) << doctor.out();
	/* The whole reason, to the end of its line: the sizes listed. */
	std::string doctorReason = doctor.out().substr(said, doctor.out().find('\n', said) - said);
	EXPECT_NE(doctorReason.find("640x480"), std::string::npos) << doctorReason;

	Program run("run-641", {"run", path, "--frames", "5"});
	EXPECT_NE(run.wait(60s), 0) << run.out() << run.err();
	EXPECT_NE(run.err().find(doctorReason), std::string::npos)
		<< "doctor: " << doctorReason << "\nrun: " << run.err();
}

TEST(CliRun, NullConfigRunsWithoutADisplay)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");

	std::string stats = outDir() + "/null.json";
	Program run("null", {"run", config("vivid-null.toml"), "--frames", "30", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(120s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 30, 1.0);
	EXPECT_EQ(doc["sinks"][0]["name"], "null");
}

TEST(CliRun, SigintStopsCleanlyAndStillWritesStats)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/sigint.json";
	unlink(stats.c_str());
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("sigint", {"run", config("vivid-vkms.toml"), "--stats", stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	/* SIGINT before primecam routed it to its loop would kill it with the
	 * default action: wait for the routing (under emulation, loading the
	 * binary alone can take seconds), then for a frame on screen (its
	 * status line says so), however long configure takes. */
	ASSERT_TRUE(run.waitUntilBlocks(SIGINT, 60s))
		<< "primecam never blocked SIGINT: " << terminal.text();
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();
	ASSERT_EQ(kill(run.pid(), SIGINT), 0);
	ASSERT_EQ(run.wait(60s), 0) << terminal.text();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["interrupted_by"], "SIGINT") << doc.dump(2);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0);
	ASSERT_EQ(doc["sinks"].size(), 1u) << doc.dump(2);
	/* What the status line showed before the signal, the stats keep. */
	EXPECT_GT(doc["captured"].get<uint64_t>(), 0u) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << doc.dump(2);
}

} /* namespace */
} /* namespace primecam */
