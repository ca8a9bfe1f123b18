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
#include "tests/vm/device/device_util.h"
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
	Result<void> pressed = test::setDeviceControl(node, "Inject Fatal Streaming Error", 1);
	ASSERT_TRUE(pressed.ok()) << pressed.error().message;
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
