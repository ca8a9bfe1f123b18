/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <linux/videodev2.h>

#include "base/dma_buf.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * A V4L2 video node. Devices are found by driver name (QUERYCAP), never by
 * /dev/videoN number: the numbering depends on probe order and on every other
 * driver loaded, while the driver name is what the user knows.
 */
class VideoDevice
{
public:
	/* Opens path non-blocking (DQBUF is driven by the event loop). */
	static Result<VideoDevice> open(const std::string &path);

	/* The video nodes whose driver matches and whose device_caps include all
	 * of caps, in /dev/videoN order. An empty list is not an error. */
	static std::vector<std::string> findByDriver(std::string_view driver, uint32_t caps);

	int fd() const { return fd_.get(); }
	const std::string &path() const { return path_; }
	std::string driver() const;
	std::string card() const;
	/* The node's own capabilities (device_caps), not the whole device's. */
	uint32_t caps() const { return caps_; }
	bool isMultiplanar() const;
	/* V4L2_BUF_TYPE_VIDEO_CAPTURE or _MPLANE, whichever the node speaks. */
	uint32_t captureType() const;

	/* ioctl retried on EINTR; 0 or -errno. */
	int ioctl(unsigned long request, void *arg) const;

	/* S_FMT on the capture queue; returns what the driver chose, which may
	 * differ from what was asked (the caller checks). */
	Result<v4l2_format> setFormat(uint32_t fourcc, uint32_t width, uint32_t height);
	/* REQBUFS; returns the count the driver granted. */
	Result<uint32_t> requestBuffers(uint32_t count, uint32_t memory);
	/* VIDIOC_EXPBUF of one plane of an MMAP buffer as a dma-buf. */
	Result<DmaBuf> exportBuffer(uint32_t index, uint32_t plane);

private:
	Error error(int code, std::string_view what) const;

	UniqueFd fd_;
	std::string path_;
	v4l2_capability cap_ = {};
	uint32_t caps_ = 0;
};

} /* namespace primecam */
