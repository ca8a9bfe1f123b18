/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>

#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

/*
 * A camera unplugged and plugged back: vivid's platform device unbound from
 * its driver (every vivid node disappears, open files get ENODEV) and bound
 * again (new nodes, maybe with new numbers), with `reconnect = true`.
 */

namespace primecam {
namespace {

using namespace std::chrono_literals;

constexpr const char *kDriverDir = "/sys/bus/platform/drivers/vivid";

/* The platform device vivid is bound to ("vivid.0"); empty when unbound. */
std::string boundVividDevice()
{
	std::string found;
	if (DIR *dir = opendir(kDriverDir)) {
		while (dirent *entry = readdir(dir))
			if (std::string(entry->d_name).rfind("vivid", 0) == 0)
				found = entry->d_name;
		closedir(dir);
	}
	return found;
}

bool writeSysfs(const std::string &file, const std::string &text)
{
	std::ofstream out(std::string(kDriverDir) + "/" + file);
	out << text;
	out.flush();
	return static_cast<bool>(out);
}

/* vivid comes back for the tests after, whatever happened in the test. */
struct Rebind {
	std::string device;
	~Rebind()
	{
		if (boundVividDevice().empty()) {
			EXPECT_TRUE(writeSysfs("bind", device));
		}
	}
};

TEST(CliReconnect, UnboundAndBoundAgainTheCameraIsBackOnTheDisplay)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE) && haveVkms(), "vivid and vkms");
	const std::string device = boundVividDevice();
	ASSERT_FALSE(device.empty()) << "vivid is bound to no platform device";
	Rebind rebind{device};

	std::string stats = outDir() + "/reconnect.json";
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("reconnect",
		    {"run", demoWith("reconnect", "[source]", "reconnect = true\n"), "--frames",
		     "200", "--stats", stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();

	ASSERT_TRUE(writeSysfs("unbind", device)) << "unbinding " << device;
	EXPECT_TRUE(VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE).empty())
		<< "vivid's nodes are still there";
	/* Unplugged for a while: the run waits, it does not end. */
	std::this_thread::sleep_for(2s);
	EXPECT_TRUE(run.running())
		<< "primecam ended while the camera was away: " << terminal.text();
	if (HasFailure())
		return;
	const uint64_t capturedAway = latestCount(terminal.text(), "captured ");
	ASSERT_TRUE(writeSysfs("bind", device)) << "binding " << device;

	/* Back: the status line counts new frames; what it says displayed
	 * then is a count from after the camera came back. */
	auto deadline = std::chrono::steady_clock::now() + 120s;
	while (latestCount(terminal.text(), "captured ") < capturedAway + 10 &&
	       std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(100ms);
	const std::string text = terminal.text();
	ASSERT_GE(latestCount(text, "captured "), capturedAway + 10)
		<< "no frames after the camera came back: " << text;
	const uint64_t displayedBack =
		latestCount(text.substr(text.rfind("captured ")), "displayed ");

	int code = run.wait(180s);
	ASSERT_EQ(code, 0) << terminal.text();
	nlohmann::json doc = readJson(stats);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["reconnects"], 1) << doc.dump(2);
	EXPECT_GE(doc["offline_s"].get<double>(), 1.5) << doc.dump(2);
	EXPECT_GE(doc["captured"].get<uint64_t>(), 200u) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), displayedBack) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	EXPECT_NE(run.out().find("the camera came back 1 time(s)"), std::string::npos) << run.out();
}

/* SIGINT while the camera is away ends the run cleanly, stats written. */
TEST(CliReconnect, InterruptedWhileWaitingForTheCameraEndsCleanly)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE) && haveVkms(), "vivid and vkms");
	const std::string device = boundVividDevice();
	ASSERT_FALSE(device.empty());
	Rebind rebind{device};

	std::string stats = outDir() + "/reconnect-sigint.json";
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run(
		"reconnect-sigint",
		{"run",
		 demoWith("reconnect-black", "[source]", "reconnect = true\non_loss = \"black\"\n"),
		 "--stats", stats},
		terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s)) << terminal.text();
	ASSERT_TRUE(writeSysfs("unbind", device));
	std::this_thread::sleep_for(1s);
	ASSERT_TRUE(run.running()) << terminal.text();
	ASSERT_TRUE(run.waitUntilBlocks(SIGINT, 10s));
	kill(run.pid(), SIGINT);
	int code = run.wait(60s);
	EXPECT_EQ(code, 0) << terminal.text();
	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["interrupted_by"], "SIGINT") << doc.dump(2);
	EXPECT_EQ(doc["reconnects"], 0) << doc.dump(2);
	EXPECT_GT(doc["offline_s"].get<double>(), 0.5) << doc.dump(2);
}

} /* namespace */
} /* namespace primecam */
