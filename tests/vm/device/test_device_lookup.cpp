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

std::map<std::string, DeviceNode> nodesByPath()
{
	std::map<std::string, DeviceNode> nodes;
	for (DeviceNode &node : listDeviceNodes("video4linux", "video", ""))
		nodes[node.path] = node;
	for (DeviceNode &node : listDeviceNodes("drm", "card", "dri"))
		nodes[node.path] = node;
	return nodes;
}

int countOf(const std::map<std::string, DeviceNode> &nodes, std::string_view driver)
{
	int count = 0;
	for (const auto &[path, node] : nodes)
		count += node.isDriver(driver);
	return count;
}

TEST(DeviceLookup, SysfsNamesTheVirtualDrivers)
{
	std::map<std::string, DeviceNode> nodes = nodesByPath();
	PRIMECAM_NEED_DEVICE(countOf(nodes, "vivid") > 0, "vivid");
	/* Other drivers' nodes are there: the tests below mean something. */
	EXPECT_GT(countOf(nodes, "vimc") + countOf(nodes, "vim2m"), 0);
	/* vkms and vgem bind no driver to their platform devices: the
	 * device's own name says whose card it is. */
	EXPECT_EQ(countOf(nodes, "vkms"), 1);
	EXPECT_EQ(countOf(nodes, "vgem"), 1);
}

TEST(DeviceLookup, CaptureNodeByDriverOpensOnlyThatDriversNodes)
{
	std::map<std::string, DeviceNode> nodes = nodesByPath();
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
		EXPECT_TRUE(nodes[path].isDriver("vivid"))
			<< path << " opened while looking for vivid";
}

TEST(DeviceLookup, CardByDriverOpensOnlyThatCard)
{
	std::map<std::string, DeviceNode> nodes = nodesByPath();
	std::vector<std::string> opened;
	{
		test::OpenRecorder recorder;
		Result<Card> card = Card::openByDriver("vkms");
		PRIMECAM_NEED_DEVICE(card.ok(), "the vkms card");
		opened = recorder.opened();
	}
	ASSERT_EQ(opened.size(), 1u);
	EXPECT_TRUE(nodes[opened[0]].isDriver("vkms")) << opened[0];
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
