/* SPDX-License-Identifier: MIT */
#include "src/scaling_advice.h"

#include <algorithm>

#include "pipeline/stages/image_convert.h"
#include "v4l2/m2m_node.h"

namespace primecam {

namespace {

bool planeTakes(const ScalingNeed &need, const PixelFormatInfo &format)
{
	return format.drm && std::find(need.planeFormats.begin(), need.planeFormats.end(),
				       format.drm) != need.planeFormats.end();
}

/* The queue offers fourcc at width x height. */
bool queueTakes(const M2mQueueOffer &offer, uint32_t fourcc, uint32_t width, uint32_t height)
{
	return !offer.refusal({}, fourcc, width, height, {});
}

/* The fourcc a queue uses for format: the contiguous one, which both the
 * single- and multi-planar APIs take, else the one-buffer-per-plane one. */
uint32_t fourccOf(const PixelFormatInfo &format)
{
	return format.v4l2 ? format.v4l2 : format.v4l2Mplane;
}

/* What the scale stage would write: the frames' own format when the plane
 * takes it, else the first the converter writes that the plane takes. */
const PixelFormatInfo *scaleStageFormat(const ScalingNeed &need)
{
	for (const PixelFormatInfo *t : conversionTargets())
		if (t == need.format && planeTakes(need, *t))
			return t;
	for (const PixelFormatInfo *t : conversionTargets())
		if (planeTakes(need, *t) && canConvert(*need.format, *t))
			return t;
	return nullptr;
}

} /* namespace */

std::vector<M2mScaler> findM2mFor(const ScalingNeed &need)
{
	std::vector<M2mScaler> found;
	if (!need.format)
		return found;
	for (const M2mNode &node : listM2mNodes()) {
		Result<M2mQueueOffer> reads = node.offer(node.outputType);
		Result<M2mQueueOffer> writes = node.offer(node.captureType);
		if (!reads || !writes ||
		    !queueTakes(*reads, fourccOf(*need.format), need.fromWidth, need.fromHeight))
			continue;
		/* The frames' own format first: a scaler that converts too is
		 * a second change the user did not ask for. */
		const PixelFormatInfo *chosen = nullptr;
		if (planeTakes(need, *need.format) &&
		    queueTakes(*writes, fourccOf(*need.format), need.toWidth, need.toHeight))
			chosen = need.format;
		for (const FormatDescription &d : writes->formats) {
			const PixelFormatInfo *f = formatByV4l2(d.fourcc);
			if (chosen)
				break;
			if (f && planeTakes(need, *f) &&
			    queueTakes(*writes, d.fourcc, need.toWidth, need.toHeight))
				chosen = f;
		}
		if (chosen)
			found.push_back({node.device.driver(), node.device.path(), chosen});
	}
	return found;
}

std::string scalingAdviceText(const ScalingNeed &need, std::span<const M2mScaler> scalers)
{
	const std::string to = sizeText(need.toWidth, need.toHeight);
	const std::string from = std::string(need.format ? need.format->name : "?") + " " +
				 sizeText(need.fromWidth, need.fromHeight);
	const std::string size = " width = " + std::to_string(need.toWidth) +
				 " height = " + std::to_string(need.toHeight);
	std::string text = "What would scale " + from + " to " + to + " instead: ";
	if (scalers.empty())
		text += "no mem2mem device on this machine reads " + from +
			" and writes a format this plane takes at " + to + "; ";
	for (const M2mScaler &s : scalers)
		text += "[[stage]] type = \"m2m\" device = \"" + s.driver + "\" format = \"" +
			std::string(s.writes->name) + "\"" + size + " (" + s.node +
			", a mem2mem device: the hardware scales, no CPU pass); ";
	text += "a gl-kms sink in place of this one (the GPU scales as it draws)";
	if (const PixelFormatInfo *format = need.format ? scaleStageFormat(need) : nullptr)
		text += "; or [[stage]] type = \"scale\"" +
			(format == need.format
				 ? std::string()
				 : " format = \"" + std::string(format->name) + "\"") +
			size + " (libyuv on the CPU: one pass per frame, counted as a conversion)";
	return text;
}

std::string scalingAdvice(const ScalingNeed &need)
{
	std::vector<M2mScaler> scalers = findM2mFor(need);
	return scalingAdviceText(need, scalers);
}

} /* namespace primecam */
