/* SPDX-License-Identifier: MIT */
#include "v4l2/capture_node.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>

#include "base/device_nodes.h"

namespace primecam {

namespace {

constexpr uint32_t kCaptureCaps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE;

const char *apiName(CaptureConfig::Api api)
{
	switch (api) {
	case CaptureConfig::Api::SinglePlanar:
		return "single-planar";
	case CaptureConfig::Api::MultiPlanar:
		return "multi-planar";
	case CaptureConfig::Api::Auto:
		break;
	}
	return "";
}

/* The capture APIs a node offers, for messages: "single-planar",
 * "multi-planar" or "single- and multi-planar". */
std::string nodeApis(uint32_t caps)
{
	bool single = caps & V4L2_CAP_VIDEO_CAPTURE;
	bool multi = caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE;
	if (single && multi)
		return "single- and multi-planar";
	if (multi)
		return "multi-planar";
	if (single)
		return "single-planar";
	return "no video capture";
}

std::string hex(uint32_t value)
{
	char text[16];
	std::snprintf(text, sizeof(text), "0x%08" PRIx32, value);
	return text;
}

/* Picks the node's API for the config: an explicit API must exist on the
 * node; Auto keeps the node's own (single-planar when it has both). */
Result<void> selectApi(VideoDevice &dev, CaptureConfig::Api api)
{
	if (!(dev.caps() & kCaptureCaps))
		return Error::fromErrno(
			ENODEV, dev.describe() + " is not a video capture node (device caps " +
					hex(dev.caps()) + ")");
	/* Buffers move by QBUF/DQBUF only; read() would copy every frame. */
	if (!(dev.caps() & V4L2_CAP_STREAMING))
		return Error::fromErrno(ENOTSUP, dev.describe() +
							 " cannot stream (no V4L2_CAP_STREAMING); "
							 "read() I/O would copy every frame");
	if (api == CaptureConfig::Api::Auto)
		return {};
	return dev.useMultiplanar(api == CaptureConfig::Api::MultiPlanar);
}

} /* namespace */

Result<VideoDevice> openCaptureNode(const std::string &name, CaptureConfig::Api api)
{
	if (name.empty())
		return Error::fromErrno(EINVAL, "v4l2 source: no device given (a path such as "
						"/dev/video0, or a driver name such as vivid)");

	if (name.find('/') != std::string::npos) {
		Result<VideoDevice> dev = VideoDevice::open(name);
		if (!dev)
			return dev;
		Result<void> ok = selectApi(*dev, api);
		if (!ok)
			return std::move(ok).error();
		return dev;
	}

	/*
	 * A driver name: its first capture node that speaks the API asked for.
	 * Or a bus (VIDIOC_QUERYCAP's bus_info: "usb-0000:00:14.0-1",
	 * "platform:vivid-002"), which tells apart two cameras of one driver
	 * and, unlike /dev/videoN, stays the same from boot to boot.
	 * vivid's instances show why the API matters: with multiplanar=1,2 the
	 * first instance's capture node is single-planar and the second's
	 * multi-planar, both "vivid".
	 */
	uint32_t need = api == CaptureConfig::Api::MultiPlanar	  ? V4L2_CAP_VIDEO_CAPTURE_MPLANE
			: api == CaptureConfig::Api::SinglePlanar ? V4L2_CAP_VIDEO_CAPTURE
								  : kCaptureCaps;
	std::string seen;
	/* Sysfs names each node's driver: the matching nodes are opened first,
	 * and normally only those (base/device_nodes.h). */
	for (const DeviceNode &node :
	     orderForDriver(listDeviceNodes("video4linux", "video", ""), name)) {
		Result<VideoDevice> dev = VideoDevice::open(node.path);
		if (!dev || !(dev->caps() & kCaptureCaps))
			continue;
		if ((dev->driver() == name || dev->busInfo() == name) && (dev->caps() & need) &&
		    (dev->caps() & V4L2_CAP_STREAMING)) {
			Result<void> ok = selectApi(*dev, api);
			if (!ok)
				return std::move(ok).error();
			return dev;
		}
		seen += (seen.empty() ? "" : ", ") + dev->describe() + " " + nodeApis(dev->caps()) +
			" on " + dev->busInfo();
	}
	std::string apiText =
		api == CaptureConfig::Api::Auto ? "" : std::string(apiName(api)) + " ";
	return Error::fromErrno(
		ENODEV, "no " + apiText + "video capture node of driver or bus \"" + name +
				"\"; capture nodes present: " + (seen.empty() ? "none" : seen));
}

Result<Fraction> applyFrameRate(VideoDevice &device, double fps, const std::string &who)
{
	if (fps > 0) {
		Fraction wanted = intervalForFps(fps);
		if (!wanted.denominator)
			return Error::fromErrno(EINVAL, who + ": frame rate " +
								std::to_string(fps) +
								" is out of range");
		return device.setFrameInterval(wanted);
	}
	/* Left alone: report the driver's rate when it has one to say. */
	Result<Fraction> current = device.frameInterval();
	return current ? *current : Fraction{};
}

} /* namespace primecam */
