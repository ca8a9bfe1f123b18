/* SPDX-License-Identifier: MIT */
#include "base/device_nodes.h"

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/small_file.h"
#include "base/unique_fd.h"

namespace primecam {

namespace {

bool isNumberedName(std::string_view name, std::string_view prefix)
{
	return name.size() > prefix.size() && name.starts_with(prefix) &&
	       std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(),
			   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/* video2 before video10: shorter numbers first, then by text. */
bool byNumber(const std::string &a, const std::string &b)
{
	return a.size() != b.size() ? a.size() < b.size() : a < b;
}

std::vector<std::string> entries(const std::string &dir, std::string_view prefix)
{
	std::vector<std::string> names;
	DIR *handle = ::opendir(dir.c_str());
	if (!handle)
		return names;
	while (struct dirent *entry = ::readdir(handle)) {
		if (isNumberedName(entry->d_name, prefix))
			names.emplace_back(entry->d_name);
	}
	::closedir(handle);
	std::sort(names.begin(), names.end(), byNumber);
	return names;
}

/* DEVNAME= of a uevent file: "video4", "dri/card1". */
std::string devName(const std::string &uevent)
{
	std::string_view text = uevent;
	while (!text.empty()) {
		size_t end = text.find('\n');
		std::string_view line = text.substr(0, end);
		if (line.starts_with("DEVNAME="))
			return std::string(line.substr(8));
		if (end == std::string_view::npos)
			break;
		text.remove_prefix(end + 1);
	}
	return {};
}

/* The last part of a symlink's target: "vivid" for
 * .../devices/platform/vivid.0/driver -> .../bus/platform/drivers/vivid;
 * empty when there is no such link. */
std::string linkName(const std::string &link)
{
	char target[4096];
	ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
	if (n <= 0)
		return {};
	std::string_view text(target, static_cast<size_t>(n));
	size_t slash = text.rfind('/');
	return std::string(slash == std::string_view::npos ? text : text.substr(slash + 1));
}

} /* namespace */

bool DeviceNode::isDriver(std::string_view name) const
{
	return driver.empty() ? device == name : driver == name;
}

std::vector<DeviceNode> listDeviceNodes(std::string_view sysClass, std::string_view prefix,
					std::string_view devDir, const DeviceTree &tree)
{
	std::vector<DeviceNode> nodes;
	std::string classDir = tree.sys + "/class/" + std::string(sysClass);
	if (::access(classDir.c_str(), F_OK) == 0) {
		for (const std::string &name : entries(classDir, prefix)) {
			std::string entryDir = classDir + "/" + name;
			std::string dev = devName(readSmallFile(entryDir + "/uevent"));
			if (dev.empty())
				continue;
			nodes.push_back({tree.dev + "/" + dev,
					 linkName(entryDir + "/device/driver"),
					 linkName(entryDir + "/device")});
		}
		return nodes;
	}
	std::string dir = tree.dev;
	if (!devDir.empty())
		dir += "/" + std::string(devDir);
	for (const std::string &name : entries(dir, prefix))
		nodes.push_back({dir + "/" + name, {}, {}});
	return nodes;
}

std::vector<DeviceNode> orderForDriver(std::vector<DeviceNode> nodes, std::string_view driver)
{
	auto rank = [driver](const DeviceNode &node) {
		if (node.isDriver(driver))
			return 0;
		return node.isUnknown() ? 1 : 2;
	};
	std::stable_sort(nodes.begin(), nodes.end(), [&](const DeviceNode &a, const DeviceNode &b) {
		return rank(a) < rank(b);
	});
	return nodes;
}

} /* namespace primecam */
