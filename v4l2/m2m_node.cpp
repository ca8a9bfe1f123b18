/* SPDX-License-Identifier: MIT */
#include "v4l2/m2m_node.h"

#include <cerrno>

#include "base/device_nodes.h"
#include "base/frame_layout.h"

namespace primecam {

namespace {

constexpr uint32_t kM2mCaps = V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE;

/* A node that converts through QBUF/DQBUF; read()/write() I/O would copy
 * every frame. */
bool isM2m(const VideoDevice &dev)
{
	return (dev.caps() & kM2mCaps) && (dev.caps() & V4L2_CAP_STREAMING);
}

M2mNode nodeOf(VideoDevice dev)
{
	const bool mplane = dev.caps() & V4L2_CAP_VIDEO_M2M_MPLANE;
	M2mNode node{std::move(dev), 0, 0};
	node.outputType = mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
	node.captureType =
		mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
	return node;
}

} /* namespace */

uint32_t M2mNode::outputLineBytes(const PixelFormatInfo &format, uint32_t width,
				  uint32_t height) const
{
	if (!format.v4l2 || format.numPlanes != 1)
		return 0;
	Result<v4l2_format> fmt = device.tryFormat(outputType, format.v4l2, width, height);
	if (!fmt)
		return 0;
	const KernelFormat got = kernelFormatFrom(*fmt);
	if (got.fourcc != format.v4l2 || got.width != width || got.height != height)
		return 0;
	return got.memoryPlanes[0].bytesperline;
}

Result<M2mQueueOffer> M2mNode::offer(uint32_t type) const
{
	M2mQueueOffer offer;
	offer.queue = type == outputType ? "OUTPUT" : "CAPTURE";
	Result<std::vector<FormatDescription>> formats = device.enumFormats(type);
	if (!formats)
		return std::move(formats).error();
	offer.formats = std::move(*formats);
	for (const FormatDescription &format : offer.formats) {
		Result<FrameSizes> sizes = device.enumFrameSizes(format.fourcc);
		if (!sizes)
			return std::move(sizes).error();
		offer.sizes.push_back(std::move(*sizes));
	}
	return offer;
}

Result<M2mNode> openM2mNode(const std::string &name)
{
	if (name.empty())
		return Error::fromErrno(EINVAL, "m2m stage: no device given (a path such as "
						"/dev/video2, or a driver name such as vim2m)");
	if (name.find('/') != std::string::npos) {
		Result<VideoDevice> dev = VideoDevice::open(name);
		if (!dev)
			return std::move(dev).error();
		if (!isM2m(*dev))
			return Error::fromErrno(ENODEV, dev->describe() +
								" is not a streaming mem2mem node "
								"(no V4L2_CAP_VIDEO_M2M)");
		return nodeOf(std::move(*dev));
	}
	std::string seen;
	for (const DeviceNode &node :
	     orderForDriver(listDeviceNodes("video4linux", "video", ""), name)) {
		Result<VideoDevice> dev = VideoDevice::open(node.path);
		if (!dev || !isM2m(*dev))
			continue;
		if (dev->driver() == name)
			return nodeOf(std::move(*dev));
		seen += (seen.empty() ? "" : ", ") + dev->describe();
	}
	return Error::fromErrno(
		ENODEV, "no mem2mem node of driver \"" + name +
				"\"; mem2mem nodes present: " + (seen.empty() ? "none" : seen));
}

std::vector<M2mNode> listM2mNodes()
{
	std::vector<M2mNode> nodes;
	for (const std::string &path : VideoDevice::listNodes()) {
		Result<VideoDevice> dev = VideoDevice::open(path);
		if (dev && isM2m(*dev))
			nodes.push_back(nodeOf(std::move(*dev)));
	}
	return nodes;
}

std::string describeM2mNodes()
{
	std::vector<M2mNode> nodes = listM2mNodes();
	if (nodes.empty())
		return "no mem2mem nodes (V4L2_CAP_VIDEO_M2M)\n";
	std::string text;
	for (const M2mNode &node : nodes) {
		text += node.device.describe() + " \"" + node.device.card() + "\", " +
			(node.isMultiplanar() ? "multi-planar" : "single-planar") + " mem2mem\n";
		for (uint32_t type : {node.outputType, node.captureType}) {
			const bool reads = type == node.outputType;
			Result<M2mQueueOffer> offer = node.offer(type);
			text += std::string(reads ? "  reads (OUTPUT): " : "  writes (CAPTURE): ") +
				(offer ? offer->describe() : offer.error().message) + "\n";
		}
	}
	return text;
}

} /* namespace primecam */
