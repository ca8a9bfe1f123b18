/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>

#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

/*
 * A driver error mid-run: vivid's "Inject Fatal Streaming Error" puts its
 * vb2 queue in the error state (vb2_queue_error), as a DMA error or a lost
 * sync would on a board, and every DQBUF then fails with EIO until
 * STREAMOFF.
 */

namespace primecam {
namespace {

using namespace std::chrono_literals;

void pressFatalError(const std::string &node)
{
	Result<VideoDevice> control = VideoDevice::open(node);
	ASSERT_TRUE(control.ok()) << control.error().message;
	Result<void> pressed = control->setControl("Inject Fatal Streaming Error", 1);
	ASSERT_TRUE(pressed.ok()) << pressed.error().message;
}

TEST(CliRestart, FatalStreamingErrorIsRestartedAndTheDisplayGoesOn)
{
	std::vector<std::string> nodes = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE);
	PRIMECAM_NEED_DEVICE(!nodes.empty() && haveVkms(), "vivid and vkms");
	/* configs/vivid-vkms.toml names vivid's first single-planar node. */
	const std::string node = nodes.front();

	std::string stats = outDir() + "/restart.json";
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	/* The default policy (5 restarts within 60 s). Enough frames that
	 * the run outlasts the error by several status lines. */
	Program run("restart",
		    {"run", config("vivid-vkms.toml"), "--frames", "250", "--stats", stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();
	pressFatalError(node);

	/* The status line counts the restart; what it says displayed then is
	 * a count from after the restart. */
	ASSERT_TRUE(terminal.waitForFrames("restarts ", 60s))
		<< "no restart on the status line: " << terminal.text();
	const std::string afterRestart = terminal.text().substr(terminal.text().rfind("restarts "));
	const uint64_t displayedAtRestart = latestCount(afterRestart, "displayed ");

	int code = run.wait(180s);
	ASSERT_EQ(code, 0) << terminal.text();
	nlohmann::json doc = readJson(stats);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["restarts"]["count"], 1) << doc.dump(2);
	/* vb2 wakes poll() with EPOLLERR and DQBUF says EIO: whichever
	 * primecam met first is the reason. */
	const nlohmann::json &reasons = doc["restarts"]["reasons"];
	EXPECT_TRUE(reasons.contains("VIDIOC_DQBUF returned EIO") ||
		    reasons.contains("poll reported EPOLLERR"))
		<< doc.dump(2);
	EXPECT_GE(doc["captured"].get<uint64_t>(), 250u) << doc.dump(2);
	/* Frames captured after the restart reached the display. */
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), displayedAtRestart) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	/* sequence_gaps is not asserted: vivid numbers frames by the clock and
	 * skips the ones an emulated CPU was too slow for (60 of 310 seen on
	 * a loaded host). SequenceCounter's unit test covers the restart. */
	EXPECT_NE(run.out().find("stream restarted after driver errors: "), std::string::npos)
		<< run.out();
}

TEST(CliRestart, WithRestartLimitZeroTheFatalErrorEndsTheRunNamingTheDevice)
{
	std::vector<std::string> nodes = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE);
	PRIMECAM_NEED_DEVICE(!nodes.empty() && haveVkms(), "vivid and vkms");
	const std::string node = nodes.front();

	std::string stats = outDir() + "/restart-limit.json";
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("restart-limit",
		    {"run", demoWith("restart-limit", "[source]", "restart_limit = 0\n"), "--stats",
		     stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();
	pressFatalError(node);

	int code = run.wait(60s);
	const std::string &err = terminal.text();
	EXPECT_GT(code, 0) << "a fatal error without restarts is a failed run: " << err;
	EXPECT_NE(err.find("capture device " + node + " (vivid) lost"), std::string::npos) << err;
	EXPECT_NE(err.find("Input/output error"), std::string::npos) << err;
	nlohmann::json doc = readJson(stats);
	ASSERT_TRUE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["restarts"]["count"], 0) << doc.dump(2);
}

} /* namespace */
} /* namespace primecam */
