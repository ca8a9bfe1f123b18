/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace primecam {

/* A device node as sysfs describes it, before anybody opens it. */
struct DeviceNode {
	std::string path;   /* "/dev/video4", "/dev/dri/card1" */
	std::string driver; /* the kernel driver bound to its device ("vivid",
			     * "uvcvideo", "i915"); empty when none is */
	std::string device; /* its device's name ("vivid.0", "0000:00:02.0",
			     * "vkms": vkms and vgem register a platform
			     * device under their own name and bind no
			     * driver to it) */

	/* Whether sysfs says this node is driver's: the bound driver is
	 * it, or no driver is bound and the device bears its name. */
	bool isDriver(std::string_view name) const;
	/* Whether sysfs cannot tell whose it is. */
	bool isUnknown() const { return driver.empty() && device.empty(); }
};

/* Where the kernel's device trees are: the real ones, or a test's copy. */
struct DeviceTree {
	std::string sys = "/sys";
	std::string dev = "/dev";
};

/*
 * Every node of a sysfs class whose name is prefix + a number
 * ("video4linux", "video" or "drm", "card"), in number order (video2
 * before video10), with its /dev path from the kernel's own DEVNAME and
 * the driver its device is bound to.
 *
 * Finding a device by driver name through sysfs opens nothing: opening
 * every /dev/video* to ask QUERYCAP wakes each driver (some power up a
 * sensor on open) and costs start-up time. Without /sys/class/CLASS (a
 * container without sysfs) the nodes come from a scan of devDir with no
 * driver known, and the callers open them as before.
 */
std::vector<DeviceNode> listDeviceNodes(std::string_view sysClass, std::string_view prefix,
					std::string_view devDir, const DeviceTree &tree = {});

/*
 * The order to open nodes in when looking for a driver: first those sysfs
 * says are its, then those it cannot tell, then the others. A
 * caller stops at the first that matches, so normally only the matching
 * node is opened; the others are there because a V4L2 driver may report
 * another name in QUERYCAP than its kernel driver's, and the user knows the
 * former.
 */
std::vector<DeviceNode> orderForDriver(std::vector<DeviceNode> nodes, std::string_view driver);

} /* namespace primecam */
