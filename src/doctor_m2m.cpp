/* SPDX-License-Identifier: MIT */
#include "src/doctor_m2m.h"

#include "v4l2/m2m_node.h"

namespace primecam {

M2mDiagnosis diagnoseM2m(const StageConfig &stage, const PixelFormatInfo &input, uint32_t width,
			 uint32_t height)
{
	Result<M2mNode> node = openM2mNode(stage.m2m.device);
	if (!node)
		return {false, node.error().message};
	Result<M2mQueueOffer> reads = node->offer(node->outputType);
	Result<M2mQueueOffer> writes = node->offer(node->captureType);
	if (!reads)
		return {false, reads.error().message};
	if (!writes)
		return {false, writes.error().message};
	const std::string device = node->device.describe();
	const PixelFormatInfo &output = *stage.m2m.format;
	/* 0 x 0: the upstream size, as the stage takes it. */
	const uint32_t outWidth = stage.m2m.width ? stage.m2m.width : width;
	const uint32_t outHeight = stage.m2m.width ? stage.m2m.height : height;
	if (!input.v4l2)
		return {false, "m2m " + device + " cannot read " + std::string(input.name) +
				       " frames from upstream (no V4L2 fourcc for it)"};
	if (auto why = reads->refusal(device, input.v4l2, width, height, kAskedByUpstream))
		return {false, *why};
	const uint32_t fourcc = output.v4l2 ? output.v4l2 : output.v4l2Mplane;
	if (auto why = writes->refusal(device, fourcc, outWidth, outHeight, kAskedByConfig))
		return {false, *why};
	return {true, "converts " + std::string(input.name) + " " + sizeText(width, height) +
			      " -> " + std::string(output.name) + " " +
			      sizeText(outWidth, outHeight) + " on " + device +
			      " (a mem2mem device: DMABUF in, EXPBUF out, no CPU pass)"};
}

} /* namespace primecam */
