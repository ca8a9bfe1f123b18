/* SPDX-License-Identifier: MIT */
#include "v4l2/m2m_formats.h"

#include "base/pixel_format.h"

namespace primecam {

std::optional<std::string> M2mQueueOffer::refusal(const std::string &device, uint32_t fourcc,
						  uint32_t width, uint32_t height,
						  std::string_view asked) const
{
	const std::string where = "m2m " + device + ": its " + std::string(queue) + " queue";
	std::string code = fourccToString(fourcc);
	if (const PixelFormatInfo *info = formatByV4l2(fourcc); info && info->name != code)
		code += " (" + std::string(info->name) + ")";
	for (size_t i = 0; i < formats.size(); ++i) {
		if (formats[i].fourcc != fourcc)
			continue;
		if (i < sizes.size() && !sizes[i].contains(width, height))
			return where + " does not take " + code + " at " + sizeText(width, height) +
			       " (" + std::string(asked) + "); sizes for " +
			       fourccToString(fourcc) + ": " + sizes[i].describe();
		return std::nullopt;
	}
	return where + " does not offer " + code + " (" + std::string(asked) + "); it offers " +
	       describeFormats(formats);
}

std::string M2mQueueOffer::describe() const
{
	std::string text;
	for (size_t i = 0; i < formats.size(); ++i) {
		if (!text.empty())
			text += ", ";
		text += fourccToString(formats[i].fourcc);
		if (i < sizes.size() && sizes[i].kind != FrameSizes::Kind::Unknown)
			text += " " + sizes[i].describe();
	}
	return text.empty() ? "(no formats)" : text;
}

} /* namespace primecam */
