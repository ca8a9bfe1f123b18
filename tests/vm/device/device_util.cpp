/* SPDX-License-Identifier: MIT */
#include "device_util.h"

#include <cstring>
#include <fstream>

#include <dirent.h>

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
	size_t diffs = 0;
	for (uint32_t y = 0; y < height; ++y)
		for (uint32_t x = 0; x < width; ++x) {
			const uint8_t *a =
				&image.data[size_t{y0 + y} * image.stride + (x0 + x) * 4];
			const uint8_t *b = &buffer[size_t{y} * stride + x * 4];
			if (std::memcmp(a, b, 3) == 0)
				continue;
			if (diffs++ == 0 && first)
				*first = "at " + std::to_string(x) + "," + std::to_string(y) +
					 ": shown " + std::to_string(a[2]) + "/" +
					 std::to_string(a[1]) + "/" + std::to_string(a[0]) +
					 ", buffer " + std::to_string(b[2]) + "/" +
					 std::to_string(b[1]) + "/" + std::to_string(b[0]);
		}
	return diffs;
}

} /* namespace primecam::test */
