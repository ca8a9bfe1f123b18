/* SPDX-License-Identifier: MIT */
#include "src/doctor_m2m.h"

#include "v4l2/m2m_node.h"

namespace primecam {

namespace {

bool offers(const M2mQueueOffer &offer, uint32_t fourcc)
{
	for (const FormatDescription &format : offer.formats)
		if (format.fourcc == fourcc)
			return true;
	return false;
}

} /* namespace */

M2mDiagnosis diagnoseM2m(const StageConfig &stage, const PixelFormatInfo &input)
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
	if (!input.v4l2 || !offers(*reads, input.v4l2))
		return {false, device + " does not read " + std::string(input.name) +
				       "; it reads " + reads->describe()};
	if (!output.v4l2 || !offers(*writes, output.v4l2))
		return {false, device + " does not write " + std::string(output.name) +
				       "; it writes " + writes->describe()};
	return {true, "converts " + std::string(input.name) + " -> " + std::string(output.name) +
			      " on " + device +
			      " (a mem2mem device: DMABUF in, EXPBUF out, no CPU pass)"};
}

} /* namespace primecam */
