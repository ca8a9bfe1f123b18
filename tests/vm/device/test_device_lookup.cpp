/* SPDX-License-Identifier: MIT */
#include <map>

#include <gtest/gtest.h>

#include "base/device_nodes.h"
#include "device_test.h"
#include "drm/card.h"
#include "open_recorder.h"
#include "v4l2/capture_node.h"

/*
 * A device named by its driver is found through sysfs: only its own nodes
 * are opened, not every /dev/video* and card on the machine (vimc, vim2m
 * and vgem are all there in the VM to be opened by mistake).
 */
namespace primecam {
namespace {

std::map<std::string, std::string> driversByNode()
{
	std::map<std::string, std::string> drivers;
	for (const DeviceNode &node : listDeviceNodes("video4linux", "video", ""))
		drivers[node.path] = node.driver;
	for (const DeviceNode &node : listDeviceNodes("drm", "card", "dri"))
		drivers[node.path] = node.driver;
	return drivers;
}

TEST(DeviceLookup, SysfsNamesTheVirtualDrivers)
{
	std::map<std::string, std::string> drivers = driversByNode();
	std::map<std::string, int> count;
	for (const auto &[path, driver] : drivers)
		++count[driver];
	PRIMECAM_NEED_DEVICE(count["vivid"] > 0, "vivid");
	/* Other drivers' nodes are there: the test below means something. */
	EXPECT_GT(count["vimc"] + count["vim2m"], 0);
	EXPECT_EQ(count["vkms"], 1);
}

TEST(DeviceLookup, CaptureNodeByDriverOpensOnlyThatDriversNodes)
{
	std::map<std::string, std::string> drivers = driversByNode();
	PRIMECAM_NEED_DEVICE(!VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE).empty(),
			     "vivid");
	std::vector<std::string> opened;
	{
		test::OpenRecorder recorder;
		Result<VideoDevice> dev =
			openCaptureNode("vivid", CaptureConfig::Api::SinglePlanar);
		ASSERT_TRUE(dev) << dev.error().message;
		EXPECT_EQ(dev->driver(), "vivid");
		opened = recorder.opened();
	}
	ASSERT_FALSE(opened.empty());
	for (const std::string &path : opened)
		EXPECT_EQ(drivers[path], "vivid") << path << " opened while looking for vivid";
}

TEST(DeviceLookup, CardByDriverOpensOnlyThatCard)
{
	std::map<std::string, std::string> drivers = driversByNode();
	std::vector<std::string> opened;
	{
		test::OpenRecorder recorder;
		Result<Card> card = Card::openByDriver("vkms");
		PRIMECAM_NEED_DEVICE(card.ok(), "the vkms card");
		opened = recorder.opened();
	}
	ASSERT_EQ(opened.size(), 1u);
	EXPECT_EQ(drivers[opened[0]], "vkms");
}

TEST(DeviceLookup, AnUnknownDriverIsStillRefusedNamingWhatIsThere)
{
	Result<VideoDevice> dev = openCaptureNode("no-such-driver", CaptureConfig::Api::Auto);
	ASSERT_FALSE(dev);
	EXPECT_EQ(dev.error().code, ENODEV);
	EXPECT_NE(dev.error().message.find("capture nodes present:"), std::string::npos);
	PRIMECAM_NEED_DEVICE(dev.error().message.find("vivid") != std::string::npos,
			     "vivid among the capture nodes");
}

} /* namespace */
} /* namespace primecam */
