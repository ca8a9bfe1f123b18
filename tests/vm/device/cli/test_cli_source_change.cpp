/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>

#include "src/png_file.h"
#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

/*
 * An HDMI source that switches modes mid-run (vivid's HDMI input, its "DV
 * Timings" and "DV Timings Signal Mode" controls): the pipeline follows the
 * new size to the display, checked on vkms's writeback.
 */

namespace primecam {
namespace {

using namespace std::chrono_literals;

TEST(CliSourceChange, TheDisplayFollowsAnHdmiSourceToItsNewSize)
{
	std::vector<std::string> nodes = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE);
	PRIMECAM_NEED_DEVICE(!nodes.empty() && haveVkms(), "vivid and vkms");
	const std::string node = nodes.front();

	/* Whatever happens below, vivid goes back to its own timings and its
	 * webcam input for the tests after. */
	struct Restore {
		std::string node;
		v4l2_dv_timings timings = {};
		~Restore()
		{
			Result<VideoDevice> dev = VideoDevice::open(node);
			EXPECT_TRUE(dev.ok()) << dev.error().message;
			if (!dev)
				return;
			EXPECT_TRUE(dev->setControl("DV Timings Signal Mode", 0).ok());
			EXPECT_TRUE(dev->setInput(3).ok());
			EXPECT_EQ(dev->ioctl(VIDIOC_S_DV_TIMINGS, &timings), 0);
			EXPECT_TRUE(dev->setInput(0).ok());
		}
	} restore{node};
	{
		Result<VideoDevice> dev = VideoDevice::open(node);
		ASSERT_TRUE(dev.ok()) << dev.error().message;
		ASSERT_TRUE(dev->setInput(3).ok());
		ASSERT_EQ(dev->ioctl(VIDIOC_G_DV_TIMINGS, &restore.timings), 0);
		ASSERT_EQ(restore.timings.bt.width, 1280u) << "vivid's HDMI input at 1280x720";
		ASSERT_TRUE(dev->setInput(0).ok());
	}

	std::string stats = outDir() + "/source-change.json";
	std::string png = outDir() + "/source-change.png";
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("source-change",
		    {"run", config("vivid-hdmi-vkms.toml"), "--frames", "120", "--stats", stats,
		     "--snapshot", png},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();
	{
		Result<VideoDevice> dev = VideoDevice::open(node);
		ASSERT_TRUE(dev.ok()) << dev.error().message;
		/* The first preset, CEA-861 640x480p59.94, "Selected DV Timings". */
		ASSERT_TRUE(dev->setControl("DV Timings", 0).ok());
		Result<void> set = dev->setControl("DV Timings Signal Mode", 4);
		ASSERT_TRUE(set.ok()) << set.error().message;
	}
	int code = run.wait(180s);
	ASSERT_EQ(code, 0) << terminal.text();

	nlohmann::json doc = readJson(stats);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["source_changes"], 1) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	EXPECT_NE(run.out().find("the source changed its format 1 time(s)"), std::string::npos)
		<< run.out();

	/* The display shows the new size, at the new mode: the writeback is
	 * 640x480 and holds vivid's bars edge to edge. */
	Result<Image> image = readPng(png);
	ASSERT_TRUE(image.ok()) << image.error().message;
	EXPECT_EQ(image->width, 640u);
	EXPECT_EQ(image->height, 480u);
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, 2), "");
}

} /* namespace */
} /* namespace primecam */
