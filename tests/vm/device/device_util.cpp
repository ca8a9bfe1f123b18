/* SPDX-License-Identifier: MIT */
#include "device_util.h"

#include <fstream>

#include <dirent.h>

#include "src/verify/pixel_check.h"
#include "v4l2/video_device.h"

namespace primecam::test {

int openFdCount()
{
	int count = 0;
	DIR *dir = ::opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while (struct dirent *entry = ::readdir(dir))
		count += entry->d_name[0] != '.';
	::closedir(dir);
	return count - 1; /* the directory's own fd */
}

int mappingCount()
{
	std::ifstream maps("/proc/self/maps");
	std::string line;
	int count = 0;
	while (std::getline(maps, line)) {
		/* address perms offset dev inode [path] */
		size_t path = line.find('/');
		if (path == std::string::npos)
			continue;
		std::string_view name = std::string_view(line).substr(path);
		count += name.starts_with("/dev/") || name.starts_with("/dmabuf") ||
			 name.starts_with("/memfd:");
	}
	return count;
}

Result<void> setDeviceControl(const std::string &path, std::string_view control, int64_t value)
{
	Result<VideoDevice> device = VideoDevice::open(path);
	if (!device)
		return std::move(device).error();
	return device->setControl(control, value);
}

int framebufferCount(unsigned minor)
{
	std::ifstream file("/sys/kernel/debug/dri/" + std::to_string(minor) + "/framebuffer");
	if (!file)
		return -1;
	int count = 0;
	std::string line;
	while (std::getline(file, line))
		count += line.starts_with("framebuffer[");
	return count;
}

KmsSinkConfig vkmsSinkConfig(KmsSinkConfig::Plane plane, KmsSinkConfig::Placement placement)
{
	KmsSinkConfig config;
	config.card = "vkms";
	config.plane = plane;
	config.placement = placement;
	return config;
}

size_t compareXrgb(const Image &image, uint32_t x0, uint32_t y0, const std::vector<uint8_t> &buffer,
		   uint32_t stride, uint32_t width, uint32_t height, std::string *first)
{
	/* verify's own check, exact: the tests and the command judge pixels
	 * by one rule. */
	Image expected;
	expected.width = width;
	expected.height = height;
	expected.stride = stride;
	expected.data = buffer;
	PixelDifference diff = comparePixels(image, x0, y0, expected, 0);
	if (diff.differing && first)
		*first = diff.describe(0);
	return diff.differing;
}

} /* namespace primecam::test */
