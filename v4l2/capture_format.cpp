/* SPDX-License-Identifier: MIT */
#include "v4l2/capture_format.h"

#include <cerrno>
#include <string>

#include "v4l2/format_refusal.h"

namespace primecam {

Result<uint32_t> captureFourcc(const VideoDevice &device, const PixelFormatInfo &info,
			       bool nonContiguous)
{
	std::string name(info.name);
	uint32_t fourcc;
	if (device.isMultiplanar()) {
		if (nonContiguous && !info.v4l2Mplane)
			return Error::fromErrno(EINVAL,
						name + " has no non-contiguous V4L2 variant "
						       "(one buffer per colour plane)");
		/* Contiguous unless asked: one dma-buf per frame is what every
		 * importer takes, while NV12M needs importers that accept
		 * planes in different buffers. */
		fourcc =
			nonContiguous ? info.v4l2Mplane : (info.v4l2 ? info.v4l2 : info.v4l2Mplane);
	} else {
		if (nonContiguous)
			return Error::fromErrno(EINVAL,
						device.describe() +
							" is driven through the single-planar "
							"API, which has no non-contiguous "
							"formats; ask for the multi-planar API");
		if (!info.v4l2 && info.v4l2Mplane)
			return Error::fromErrno(
				EINVAL, name + " exists in V4L2 only as the non-contiguous " +
						fourccToString(info.v4l2Mplane) +
						", which needs the multi-planar API; " +
						device.describe() + " is single-planar");
		fourcc = info.v4l2;
	}
	if (!fourcc)
		return Error::fromErrno(EINVAL, name + " has no V4L2 fourcc: no capture device "
						       "produces it");
	return fourcc;
}

Result<v4l2_format> checkCaptureFormat(const VideoDevice &device, const CaptureConfig &config,
				       uint32_t fourcc, Result<v4l2_format> answer)
{
	/* Some drivers answer EINVAL rather than substituting; the lists
	 * then say why, as for a substitution. */
	if (!answer && answer.error().code == EINVAL)
		return explainRefusedFormat(device, config, fourcc, {}, std::move(answer).error());
	if (!answer)
		return answer;
	KernelFormat got = kernelFormatFrom(*answer);
	if (got.fourcc != fourcc || got.width != config.width || got.height != config.height)
		return explainRefusedFormat(device, config, fourcc, got, {});

	uint32_t field = device.isMultiplanar() ? answer->fmt.pix_mp.field : answer->fmt.pix.field;
	/* Interlaced fields would need a deinterlacer: a copy, and not ours. */
	if (field != V4L2_FIELD_NONE && field != V4L2_FIELD_ANY)
		return Error::fromErrno(EINVAL,
					device.describe() + " delivers " + fourccToString(fourcc) +
						" " + sizeText(config.width, config.height) +
						" as interlaced fields (v4l2_field " +
						std::to_string(field) +
						"); primecam shows progressive frames only");
	return answer;
}

} /* namespace primecam */
