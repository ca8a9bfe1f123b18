/* SPDX-License-Identifier: MIT */
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/device_nodes.h"

namespace primecam {
namespace {

namespace fs = std::filesystem;

/* A small copy of the kernel's sysfs layout for one class: entries with a
 * uevent, and a device link whose driver link names the driver. */
class FakeSysfs : public ::testing::Test
{
protected:
	void SetUp() override
	{
		char pattern[] = "/tmp/primecam-sysfs-XXXXXX";
		ASSERT_NE(::mkdtemp(pattern), nullptr);
		root_ = pattern;
		tree_.sys = root_ + "/sys";
		tree_.dev = root_ + "/dev";
	}
	void TearDown() override { fs::remove_all(root_); }

	/* sys/class/CLASS/NAME, DEVNAME=devname, bound to driver (none if
	 * empty), its device at devices/platform/DEVICE. */
	void addNode(const std::string &sysClass, const std::string &name,
		     const std::string &devname, const std::string &device,
		     const std::string &driver)
	{
		fs::path deviceDir = tree_.sys + "/devices/platform/" + device;
		fs::create_directories(deviceDir);
		if (!driver.empty() && !fs::exists(deviceDir / "driver")) {
			fs::path driverDir = tree_.sys + "/bus/platform/drivers/" + driver;
			fs::create_directories(driverDir);
			fs::create_directory_symlink(driverDir, deviceDir / "driver");
		}
		fs::path entry = tree_.sys + "/class/" + sysClass + "/" + name;
		fs::create_directories(entry);
		std::ofstream(entry / "uevent")
			<< "MAJOR=81\nMINOR=0\n"
			<< (devname.empty() ? "" : "DEVNAME=" + devname + "\n");
		fs::create_directory_symlink(deviceDir, entry / "device");
	}

	std::string root_;
	DeviceTree tree_;
};

TEST_F(FakeSysfs, ListsNodesInNumberOrderWithTheirDrivers)
{
	addNode("video4linux", "video10", "video10", "vim2m.0", "vim2m");
	addNode("video4linux", "video2", "video2", "vivid.0", "vivid");
	addNode("video4linux", "video0", "video0", "vivid.0", "vivid");
	/* Not "video" + a number: a subdevice, left out. */
	addNode("video4linux", "v4l-subdev0", "v4l-subdev0", "vimc.0", "vimc");

	std::vector<DeviceNode> nodes = listDeviceNodes("video4linux", "video", "", tree_);
	ASSERT_EQ(nodes.size(), 3u);
	EXPECT_EQ(nodes[0].path, tree_.dev + "/video0");
	EXPECT_EQ(nodes[0].driver, "vivid");
	EXPECT_EQ(nodes[0].device, "vivid.0");
	EXPECT_TRUE(nodes[0].isDriver("vivid"));
	/* A bound driver's name wins over the device's. */
	EXPECT_FALSE(nodes[0].isDriver("vivid.0"));
	EXPECT_EQ(nodes[1].path, tree_.dev + "/video2");
	EXPECT_EQ(nodes[2].path, tree_.dev + "/video10");
	EXPECT_EQ(nodes[2].driver, "vim2m");
}

TEST_F(FakeSysfs, DrmCardsComeFromDevnameAndSkipConnectors)
{
	addNode("drm", "card0", "dri/card0", "vgem", "");
	addNode("drm", "card1", "dri/card1", "vkms", "vkms");
	/* card1-Virtual-1 is a connector: no number suffix, no DEVNAME. */
	addNode("drm", "card1-Virtual-1", "", "vkms", "vkms");

	std::vector<DeviceNode> nodes = listDeviceNodes("drm", "card", "dri", tree_);
	ASSERT_EQ(nodes.size(), 2u);
	EXPECT_EQ(nodes[0].path, tree_.dev + "/dri/card0");
	/* vgem's platform device has no driver bound: its own name says
	 * whose it is. */
	EXPECT_EQ(nodes[0].driver, "");
	EXPECT_EQ(nodes[0].device, "vgem");
	EXPECT_TRUE(nodes[0].isDriver("vgem"));
	EXPECT_FALSE(nodes[0].isUnknown());
	EXPECT_EQ(nodes[1].path, tree_.dev + "/dri/card1");
	EXPECT_EQ(nodes[1].driver, "vkms");
}

TEST_F(FakeSysfs, WithoutTheClassTheDevDirectoryIsScanned)
{
	fs::create_directories(tree_.dev + "/dri");
	for (const char *name : {"card1", "card0", "renderD128", "by-path"})
		std::ofstream(tree_.dev + "/dri/" + name) << "";

	std::vector<DeviceNode> nodes = listDeviceNodes("drm", "card", "dri", tree_);
	ASSERT_EQ(nodes.size(), 2u);
	EXPECT_EQ(nodes[0].path, tree_.dev + "/dri/card0");
	EXPECT_EQ(nodes[1].path, tree_.dev + "/dri/card1");
	EXPECT_TRUE(nodes[0].isUnknown());
}

TEST(DeviceNodes, OrderForDriverPutsMatchesThenUnknownsFirst)
{
	/* video4: no driver bound, the device named after vivid. */
	std::vector<DeviceNode> nodes = {
		{"/dev/video0", "vimc", "vimc.0"},   {"/dev/video1", "", ""},
		{"/dev/video2", "vivid", "vivid.0"}, {"/dev/video3", "vim2m", "vim2m.0"},
		{"/dev/video4", "", "vivid"},
	};
	std::vector<DeviceNode> ordered = orderForDriver(nodes, "vivid");
	ASSERT_EQ(ordered.size(), 5u);
	EXPECT_EQ(ordered[0].path, "/dev/video2");
	EXPECT_EQ(ordered[1].path, "/dev/video4");
	EXPECT_EQ(ordered[2].path, "/dev/video1");
	/* The rest keep their order: a driver whose QUERYCAP name differs
	 * from its kernel driver's is still found, last. */
	EXPECT_EQ(ordered[3].path, "/dev/video0");
	EXPECT_EQ(ordered[4].path, "/dev/video3");
}

} /* namespace */
} /* namespace primecam */
