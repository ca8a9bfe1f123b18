/* SPDX-License-Identifier: MIT */
#include "v4l2/device_report.h"

#include <linux/videodev2.h>

#include "base/pixel_format.h"
#include "v4l2/format_enum.h"
#include "v4l2/video_device.h"

namespace primecam {

namespace {

constexpr uint32_t kCaptureCaps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE;

std::string formatName(const FormatDescription &desc)
{
	std::string text = fourccToString(desc.fourcc);
	const PixelFormatInfo *info = formatByV4l2(desc.fourcc);
	text += info ? " (" + std::string(info->name) + ")" : " (not handled by primecam)";
	text += " \"" + desc.description + "\"";
	/* Emulated formats come from libv4l-style conversion in the driver
	 * stack: a CPU copy on every frame. */
	if (desc.flags & V4L2_FMT_FLAG_EMULATED)
		text += " [emulated]";
	if (desc.flags & V4L2_FMT_FLAG_COMPRESSED)
		text += " [compressed]";
	return text;
}

/* The formats of the queue dev is currently set to drive. */
std::string describeQueue(const VideoDevice &dev)
{
	std::string text;
	Result<std::vector<FormatDescription>> formats = dev.enumFormats();
	if (!formats)
		return "    " + formats.error().message + "\n";
	if (formats->empty())
		return "    (no formats)\n";
	for (const FormatDescription &desc : *formats) {
		text += "    " + formatName(desc) + "\n";
		Result<FrameSizes> sizes = dev.enumFrameSizes(desc.fourcc);
		if (!sizes) {
			text += "      sizes: " + sizes.error().message + "\n";
			continue;
		}
		text += "      sizes: " + sizes->describe() + "\n";
		if (sizes->kind == FrameSizes::Kind::Unknown)
			continue;
		FrameSize first = sizes->first();
		Result<FrameIntervals> intervals =
			dev.enumFrameIntervals(desc.fourcc, first.width, first.height);
		/* Drivers that leave the rate to the sensor (vimc) do not
		 * enumerate intervals: nothing to say then. */
		if (intervals && intervals->kind == FrameIntervals::Kind::Unknown)
			continue;
		text += "      intervals at " + std::to_string(first.width) + "x" +
			std::to_string(first.height) + ": " +
			(intervals ? intervals->describe() : intervals.error().message) + "\n";
	}
	return text;
}

} /* namespace */

std::string describeVideoNode(const VideoDevice &dev)
{
	std::string text = dev.path() + ": driver " + dev.driver() + ", card \"" + dev.card() +
			   "\", bus " + dev.busInfo() + "\n";
	/* Enumerate through a second open file so that choosing the API does
	 * not touch the caller's. */
	for (bool mplane : {false, true}) {
		uint32_t cap = mplane ? V4L2_CAP_VIDEO_CAPTURE_MPLANE : V4L2_CAP_VIDEO_CAPTURE;
		if (!(dev.caps() & cap))
			continue;
		Result<VideoDevice> other = VideoDevice::open(dev.path());
		if (!other) {
			text += "  " + other.error().message + "\n";
			continue;
		}
		Result<void> ok = other->useMultiplanar(mplane);
		if (!ok) {
			text += "  " + ok.error().message + "\n";
			continue;
		}
		text += std::string("  ") + (mplane ? "multi-planar" : "single-planar") +
			" capture" +
			((dev.caps() & V4L2_CAP_STREAMING) ? "" : " (no streaming I/O)") + ":\n";
		text += describeQueue(*other);
	}
	return text;
}

std::string describeVideoNodes()
{
	std::string text;
	for (const std::string &node : VideoDevice::listNodes()) {
		Result<VideoDevice> dev = VideoDevice::open(node);
		if (!dev) {
			text += node + ": " + dev.error().message + "\n";
			continue;
		}
		if (!(dev->caps() & kCaptureCaps))
			continue;
		text += describeVideoNode(*dev);
	}
	return text.empty() ? "no V4L2 video capture nodes\n" : text;
}

} /* namespace primecam */
