/* SPDX-License-Identifier: MIT */
#include "v4l2/video_device.h"

#include <algorithm>
#include <cerrno>

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>

namespace primecam {

namespace {

/* /dev/video2 before /dev/video10. */
bool byNodeNumber(const std::string &a, const std::string &b)
{
	return a.size() != b.size() ? a.size() < b.size() : a < b;
}

std::vector<std::string> videoNodes()
{
	std::vector<std::string> nodes;
	DIR *dir = ::opendir("/dev");
	if (!dir)
		return nodes;
	while (struct dirent *entry = ::readdir(dir)) {
		std::string_view name = entry->d_name;
		if (name.starts_with("video") && name.size() > 5)
			nodes.push_back("/dev/" + std::string(name));
	}
	::closedir(dir);
	std::sort(nodes.begin(), nodes.end(), byNodeNumber);
	return nodes;
}

} /* namespace */

Result<VideoDevice> VideoDevice::open(const std::string &path)
{
	VideoDevice dev;
	dev.path_ = path;
	dev.fd_.reset(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
	if (!dev.fd_)
		return Error::fromErrno(errno, "opening " + path);
	int ret = dev.ioctl(VIDIOC_QUERYCAP, &dev.cap_);
	if (ret < 0)
		return dev.error(-ret, "VIDIOC_QUERYCAP");
	/* device_caps describes this node; capabilities the whole device. */
	dev.caps_ = (dev.cap_.capabilities & V4L2_CAP_DEVICE_CAPS) ? dev.cap_.device_caps
								   : dev.cap_.capabilities;
	return dev;
}

std::vector<std::string> VideoDevice::findByDriver(std::string_view driver, uint32_t caps)
{
	std::vector<std::string> found;
	for (const std::string &node : videoNodes()) {
		Result<VideoDevice> dev = open(node);
		if (dev && dev->driver() == driver && (dev->caps() & caps) == caps)
			found.push_back(node);
	}
	return found;
}

std::string VideoDevice::driver() const
{
	return reinterpret_cast<const char *>(cap_.driver);
}

std::string VideoDevice::card() const
{
	return reinterpret_cast<const char *>(cap_.card);
}

bool VideoDevice::isMultiplanar() const
{
	return (caps_ & V4L2_CAP_VIDEO_CAPTURE_MPLANE) && !(caps_ & V4L2_CAP_VIDEO_CAPTURE);
}

uint32_t VideoDevice::captureType() const
{
	return isMultiplanar() ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
}

int VideoDevice::ioctl(unsigned long request, void *arg) const
{
	int ret;
	do {
		ret = ::ioctl(fd_.get(), request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

Error VideoDevice::error(int code, std::string_view what) const
{
	std::string where = path_;
	if (cap_.driver[0])
		where += " (" + driver() + ")";
	return Error::fromErrno(code, std::string(what) + " on " + where);
}

Result<v4l2_format> VideoDevice::setFormat(uint32_t fourcc, uint32_t width, uint32_t height)
{
	v4l2_format fmt = {};
	fmt.type = captureType();
	if (isMultiplanar()) {
		fmt.fmt.pix_mp.pixelformat = fourcc;
		fmt.fmt.pix_mp.width = width;
		fmt.fmt.pix_mp.height = height;
		fmt.fmt.pix_mp.field = V4L2_FIELD_NONE;
	} else {
		fmt.fmt.pix.pixelformat = fourcc;
		fmt.fmt.pix.width = width;
		fmt.fmt.pix.height = height;
		fmt.fmt.pix.field = V4L2_FIELD_NONE;
	}
	int ret = ioctl(VIDIOC_S_FMT, &fmt);
	if (ret < 0)
		return error(-ret, "VIDIOC_S_FMT");
	return fmt;
}

Result<uint32_t> VideoDevice::requestBuffers(uint32_t count, uint32_t memory)
{
	v4l2_requestbuffers req = {};
	req.count = count;
	req.type = captureType();
	req.memory = memory;
	int ret = ioctl(VIDIOC_REQBUFS, &req);
	if (ret < 0)
		return error(-ret, "VIDIOC_REQBUFS(" + std::to_string(count) + ")");
	return req.count;
}

Result<DmaBuf> VideoDevice::exportBuffer(uint32_t index, uint32_t plane)
{
	v4l2_exportbuffer exp = {};
	exp.type = captureType();
	exp.index = index;
	exp.plane = plane;
	exp.flags = O_RDWR | O_CLOEXEC;
	int ret = ioctl(VIDIOC_EXPBUF, &exp);
	if (ret < 0)
		return error(-ret, "VIDIOC_EXPBUF of buffer " + std::to_string(index) + " plane " +
					   std::to_string(plane));
	return DmaBuf::adopt(UniqueFd(exp.fd));
}

} /* namespace primecam */
