/* SPDX-License-Identifier: MIT */
#include "v4l2/format_refusal.h"

#include <cerrno>

#include "base/pixel_format.h"
#include "v4l2/format_enum.h"

namespace primecam {

/* S_FMT never fails for an unsupported format or size: the driver
 * substitutes the nearest it has, which would look like a working pipeline
 * showing the wrong picture. Say what the device offers instead. */
Error explainRefusedFormat(const VideoDevice &device, const CaptureConfig &config, uint32_t fourcc,
			   const KernelFormat &got, std::optional<Error> refusal)
{
	const std::string where = device.describe();
	const std::string asked =
		fourccToString(fourcc) + " " + sizeText(config.width, config.height);

	Result<std::vector<FormatDescription>> formats = device.enumFormats();
	if (!formats)
		return std::move(formats).error();
	bool listed = false;
	for (const FormatDescription &desc : *formats)
		listed |= desc.fourcc == fourcc;
	if (!listed) {
		std::string code = fourccToString(fourcc);
		std::string name(config.format->name);
		return Error::fromErrno(EINVAL,
					where + " does not offer " + code +
						(name == code ? "" : " (" + name + ")") +
						"; it offers: " + describeFormats(*formats));
	}

	Result<FrameSizes> sizes = device.enumFrameSizes(fourcc);
	if (!sizes)
		return std::move(sizes).error();
	if (!sizes->contains(config.width, config.height))
		return Error::fromErrno(EINVAL, where + " does not offer " + asked +
							"; sizes for " + fourccToString(fourcc) +
							": " + sizes->describe());
	/* Listed in both lists, yet refused: the device's own error stands. */
	if (refusal)
		return std::move(*refusal);
	if (got.fourcc != fourcc)
		return Error::fromErrno(EINVAL,
					where + " replaced " + asked + " with " +
						fourccToString(got.fourcc) +
						"; it offers: " + describeFormats(*formats));
	return Error::fromErrno(EINVAL, where + " replaced " + asked + " with " +
						sizeText(got.width, got.height) + "; sizes for " +
						fourccToString(fourcc) + ": " + sizes->describe());
}

} /* namespace primecam */
