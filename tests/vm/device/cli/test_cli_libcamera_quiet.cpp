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

#if PRIMECAM_HAVE_LIBCAMERA
/* vimc's platform device: libcamera's vimc pipeline handler drives it. */
bool haveVimc()
{
	struct stat st;
	return stat("/sys/bus/platform/devices/vimc.0", &st) == 0;
}

TEST(CliRun, VimcThroughLibcameraIsConvertedForVkmsAndSnapshotted)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/vimc.json", png = outDir() + "/vimc.png";
	Program run("vimc", {"run", config("vimc-libcamera-vkms.toml"), "--frames", "30", "--stats",
			     stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(300s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_NE(doc["source"].get<std::string>().find("platform/vimc.0 Sensor B"),
		  std::string::npos)
		<< doc.dump(2);
	EXPECT_EQ(doc["captured"], 30) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 1u) << doc.dump(2);
	const nlohmann::json &stage = doc["stages"][0];
	EXPECT_NE(stage["name"].get<std::string>().find("convert BGR888 -> XRGB8888"),
		  std::string::npos)
		<< stage["name"];
	EXPECT_EQ(doc["conversions"], stage["processed"]) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << doc.dump(2);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	/* vimc's sensor draws the same bars (as Bayer, which its debayer
	 * turns back into RGB; the bars' middles are flat, so exactly),
	 * 636x480 centred. */
	EXPECT_EQ(barsMismatch(*image, 2, 0, 636, 480, 0), "");
}

TEST(CliRun, LibcameraSaysWhatItAdjustedAndStopsCleanlyOnSigint)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");

	std::string path = outDir() + "/vimc-null-640.toml";
	std::ofstream(path) << "[source]\ntype = \"libcamera\"\ncamera = 0\nformat = \"BGR888\"\n"
			       "width = 640\nheight = 480\n\n[[sink]]\ntype = \"null\"\n";
	std::string stats = outDir() + "/vimc-sigint.json";
	unlink(stats.c_str());
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("vimc-sigint", {"run", path, "--stats", stats}, terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(run.waitUntilBlocks(SIGINT, 60s))
		<< "primecam never blocked SIGINT: " << terminal.text();
	/* Interrupted once frames flow (the status line counts them), not
	 * after a fixed time libcamera's start-up may need all of. */
	ASSERT_TRUE(terminal.waitForFrames("captured ", 120s))
		<< "nothing captured in 120 s: " << terminal.text();
	ASSERT_EQ(kill(run.pid(), SIGINT), 0);
	ASSERT_EQ(run.wait(60s), 0) << terminal.text();
	EXPECT_NE(terminal.text().find("libcamera adjusted 640x480 to 636x480"), std::string::npos)
		<< terminal.text();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["interrupted_by"], "SIGINT") << doc.dump(2);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_GT(doc["captured"].get<uint64_t>(), 0u) << doc.dump(2);
	EXPECT_EQ(doc["sequence_gaps"], 0) << doc.dump(2);

	/* The camera was released: another process can take it at once. */
	Program again("vimc-again", {"run", path, "--frames", "3"});
	EXPECT_EQ(again.wait(120s), 0) << again.err();
}

TEST(CliList, ListsTheVimcCameraThroughLibcamera)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");
	Program list("list-libcamera", {"list"});
	ASSERT_EQ(list.wait(60s), 0) << list.err();
	for (const char *expected : {"libcamera cameras", "0: \"platform/vimc.0 Sensor B\"",
				     "model \"Sensor B\"", "BGR888 48x48-4096x2160", "RGB888"})
		EXPECT_NE(list.out().find(expected), std::string::npos) << expected << " missing:\n"
									<< list.out();
}

TEST(CliDoctor, NamesTheConversionThatGetsVimcOntoVkms)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	Program doctor("doctor-vimc", {"doctor", config("vimc-libcamera-vkms.toml")});
	ASSERT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
	for (const char *expected :
	     {"source: libcamera \"platform/vimc.0 Sensor B\" (Sensor B) offers BGR888",
	      "libcamera's FrameBuffers",
	      "stage[0] convert: converts BGR888 -> XRGB8888 with libyuv",
	      "scans out XRGB8888 directly", "verdict: one CPU conversion"})
		EXPECT_NE(doctor.out().find(expected), std::string::npos)
			<< expected << " missing:\n"
			<< doctor.out();
}
#endif

/*
 * The libraries' own lines that primecam turns off unless -v: Mesa's
 * ("MESA-LOADER: failed to open vgem", "kmsro: driver missing", the shader
 * cache's "Failed to create ... disabling", "libEGL warning") and
 * libcamera's log ("[0:00:01.2] [42]  INFO Camera ...", coloured on a
 * terminal). The lines that are not primecam's own, in text.
 */
std::vector<std::string> libraryLines(const std::string &text)
{
	std::vector<std::string> found;
	std::istringstream lines(text);
	std::string line;
	while (std::getline(lines, line)) {
		bool library = line.find('\x1b') != std::string::npos || line.rfind("[", 0) == 0;
		for (const char *mark : {"MESA", "kmsro", "shader cache", "shader_cache", "libEGL",
					 "DRI2", "libcamera v0"})
			library = library || line.find(mark) != std::string::npos;
		if (library)
			found.push_back(line);
	}
	return found;
}

std::string joined(const std::vector<std::string> &lines)
{
	std::string text;
	for (const std::string &line : lines)
		text += line + "\n";
	return text;
}

/* Every back end is loaded, libcamera's and Mesa's included (vgem on the
 * card list makes Mesa's loader complain, vkms its kmsro stub), and not a
 * line of theirs comes out. With -v their logs pass: libcamera's INFO line
 * with its version at least. */
TEST(CliQuiet, ListPrintsOnlyPrimecamsLinesUnlessVerbose)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	Program list("list-quiet", {"list"});
	ASSERT_EQ(list.wait(120s), 0) << list.err();
	EXPECT_EQ(joined(libraryLines(list.err())), "");
	EXPECT_EQ(joined(libraryLines(list.out())), "");
	for (const char *loaded :
	     {"libcamera (the libcamera source): loaded",
	      "egl (the gl-headless and gl-kms sinks): loaded", "glfw (the gl-window sink): loaded",
	      "libv4l2 (the libv4l2 source, memory = \"libv4l2\"): loaded"})
		EXPECT_NE(list.out().find(loaded), std::string::npos) << loaded << " missing:\n"
								      << list.out();

	Program verbose("list-verbose", {"-v", "list"});
	ASSERT_EQ(verbose.wait(120s), 0) << verbose.err();
	EXPECT_NE(verbose.err().find("libcamera v0"), std::string::npos) << verbose.err();

	/* A level the user set wins over primecam's quiet default. */
	setenv("LIBCAMERA_LOG_LEVELS", "*:INFO", 1);
	Program user("list-user-level", {"list"});
	unsetenv("LIBCAMERA_LOG_LEVELS");
	ASSERT_EQ(user.wait(120s), 0) << user.err();
	EXPECT_NE(user.err().find("libcamera v0"), std::string::npos) << user.err();
}

/* A run and a doctor on Mesa (gl-kms: GBM on vkms, llvmpipe) and on
 * libcamera (vimc): primecam's lines only. */
TEST(CliQuiet, RunAndDoctorPrintOnlyPrimecamsLines)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	struct Case {
		const char *name;
		std::vector<std::string> args;
	};
	std::vector<Case> cases = {
		{"quiet-gl-kms", {"run", config("vivid-gl-kms.toml"), "--frames", "5"}},
		{"quiet-gl-headless", {"run", config("vivid-gl-headless.toml"), "--frames", "5"}},
		{"quiet-doctor-gl-kms", {"doctor", config("vivid-gl-kms.toml")}},
		{"quiet-vimc", {"run", config("vimc-libcamera-vkms.toml"), "--frames", "5"}},
		{"quiet-doctor-vimc", {"doctor", config("vimc-libcamera-vkms.toml")}},
	};
	for (const Case &c : cases) {
		Program program(c.name, c.args);
		ASSERT_EQ(program.wait(300s), 0) << c.name << ":\n" << program.err();
		EXPECT_EQ(joined(libraryLines(program.err())), "") << c.name;
		EXPECT_EQ(joined(libraryLines(program.out())), "") << c.name;
	}
}

} /* namespace */
} /* namespace primecam */
