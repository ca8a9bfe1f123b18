/* SPDX-License-Identifier: MIT */
#include "base/frame_layout.h"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <string>

namespace primecam {

namespace {

uint64_t divRoundUp(uint64_t n, uint64_t d)
{
	return (n + d - 1) / d;
}

/* "V4L2 format NM12 (NV12) 640x480", the start of every message. */
std::string describe(const KernelFormat &kf, const PixelFormatInfo *info)
{
	std::string code = fourccToString(kf.fourcc);
	std::string text = "V4L2 format " + code;
	if (info && info->name != code) {
		text += " (";
		text += info->name;
		text += ")";
	}
	text += " " + std::to_string(kf.width) + "x" + std::to_string(kf.height);
	return text;
}

Error invalid(const KernelFormat &kf, const PixelFormatInfo *info, const std::string &what)
{
	return Error::fromErrno(EINVAL, describe(kf, info) + ": " + what);
}

/*
 * A stride must hold one line of the plane. Checked for every plane, derived
 * or reported: a driver that reports a too-short bytesperline would otherwise
 * make lines overlap, and a scanout or GPU import read past the buffer.
 */
Result<void> checkStride(const KernelFormat &kf, const PixelFormatInfo *info, unsigned plane,
			 uint64_t stride)
{
	uint32_t minimum = info->minLineBytes(plane, kf.width);
	if (minimum == std::numeric_limits<uint32_t>::max())
		return invalid(kf, info,
			       "a line of plane " + std::to_string(plane) +
				       " does not fit in 32 bits");
	if (stride < minimum)
		return invalid(
			kf, info,
			"plane " + std::to_string(plane) + " stride " + std::to_string(stride) +
				" bytes is shorter than a line of " + std::to_string(kf.width) +
				" pixels (" + std::to_string(minimum) + " bytes)");
	return {};
}

/*
 * Single-planar API, or multi-planar API with a contiguous fourcc (NV12, not
 * NV12M): every colour plane is in memory plane 0, one after the other, and
 * the kernel reports only the first plane's bytesperline. The V4L2 spec
 * ("Planar YUV formats") fixes the others: chroma lines carry the same
 * padding as luma lines, so the chroma stride is bytesperline scaled by the
 * chroma/luma bytes per pixel ratio. That is bytesperline for NV12/NV16
 * (2-byte CbCr pairs at half the rate) and bytesperline / 2 for YUV420 and
 * YUV422P.
 *
 * An odd bytesperline for YUV420 (odd width, no padding) rounds up: the
 * kernel's v4l2_fill_pixfmt() reports bytesperline = 641 for 641 pixels and
 * counts DIV_ROUND_UP(641, 2) = 321 bytes per chroma line in sizeimage.
 */
Result<FrameLayout> contiguousLayout(const KernelFormat &kf, const PixelFormatInfo *info)
{
	if (kf.numMemoryPlanes != 1)
		return invalid(
			kf, info,
			"a contiguous format must come in 1 memory plane, the kernel reported " +
				std::to_string(kf.numMemoryPlanes));

	const MemoryPlaneFormat &mem = kf.memoryPlanes[0];
	const PlaneInfo &luma = info->planes[0];

	FrameLayout layout{};
	layout.format = info;
	layout.width = kf.width;
	layout.height = kf.height;
	layout.numMemoryPlanes = 1;
	layout.memoryPlaneSizes[0] = mem.sizeimage;
	layout.numColourPlanes = info->numPlanes;

	uint64_t offset = 0;
	std::string sum;
	for (unsigned i = 0; i < info->numPlanes; i++) {
		const PlaneInfo &p = info->planes[i];
		uint64_t stride = mem.bytesperline;
		if (i > 0)
			stride = divRoundUp(stride * p.bytesPerBlock,
					    static_cast<uint64_t>(luma.bytesPerBlock) * p.hSub);

		Result<void> ok = checkStride(kf, info, i, stride);
		if (!ok)
			return std::move(ok).error();

		uint64_t length = stride * info->planeHeight(i, kf.height);
		/*
		 * Offsets are only worth anything once the total is known
		 * to fit sizeimage (a 32-bit number), checked below.
		 */
		layout.planes[i] = {0, static_cast<uint32_t>(offset), static_cast<uint32_t>(stride),
				    static_cast<uint32_t>(length)};
		offset += length;
		sum += (i ? " + " : "") + std::to_string(length);
	}

	if (offset > mem.sizeimage)
		return invalid(kf, info,
			       "with bytesperline " + std::to_string(mem.bytesperline) +
				       " the planes need " + sum + " = " + std::to_string(offset) +
				       " bytes but sizeimage is " + std::to_string(mem.sizeimage));
	return layout;
}

/*
 * Multi-planar API with a non-contiguous fourcc (NV12M, YUV420M, ...): one
 * memory plane per colour plane, each with its own bytesperline and
 * sizeimage, and no constraint between them (V4L2 spec, "Planar YUV
 * formats": "For non-contiguous formats, no constraints are enforced").
 */
Result<FrameLayout> nonContiguousLayout(const KernelFormat &kf, const PixelFormatInfo *info)
{
	if (!kf.mplane)
		return invalid(kf, info,
			       "a non-contiguous format came through the single-planar API");
	if (kf.numMemoryPlanes != info->numPlanes)
		return invalid(
			kf, info,
			"the kernel reported " + std::to_string(kf.numMemoryPlanes) +
				" memory planes for " + std::to_string(info->numPlanes) +
				" colour planes, one buffer plane per colour plane expected");

	FrameLayout layout{};
	layout.format = info;
	layout.width = kf.width;
	layout.height = kf.height;
	layout.numMemoryPlanes = info->numPlanes;
	layout.numColourPlanes = info->numPlanes;

	for (unsigned i = 0; i < info->numPlanes; i++) {
		const MemoryPlaneFormat &mem = kf.memoryPlanes[i];
		uint32_t stride = mem.bytesperline;
		uint32_t rows = info->planeHeight(i, kf.height);

		Result<void> ok = checkStride(kf, info, i, stride);
		if (!ok)
			return std::move(ok).error();

		uint64_t length = static_cast<uint64_t>(stride) * rows;
		if (length > mem.sizeimage)
			return invalid(
				kf, info,
				"plane " + std::to_string(i) + " needs " + std::to_string(stride) +
					" x " + std::to_string(rows) + " = " +
					std::to_string(length) + " bytes but its sizeimage is " +
					std::to_string(mem.sizeimage));

		layout.planes[i] = {i, 0, stride, static_cast<uint32_t>(length)};
		layout.memoryPlaneSizes[i] = mem.sizeimage;
	}
	return layout;
}

/*
 * A YUV format's matrix and range. Drivers may leave either at 0 (DEFAULT):
 * then the colorspace decides, with the kernel's own rules (the
 * V4L2_MAP_*_DEFAULT macros): BT.709 for Rec. 709 and DCI-P3, BT.2020 for
 * BT.2020, BT.601 otherwise (sRGB webcams, SDTV); full range only for the
 * JPEG colorspace. xvYCC (XV601/XV709) uses the BT.601/709 matrix; its
 * extended gamut lies outside 0..255 RGB and is clipped like any converter
 * does.
 */
Result<YuvEncoding> encodingOf(const KernelFormat &kf, const PixelFormatInfo *info)
{
	uint32_t enc = kf.ycbcrEnc;
	if (enc == V4L2_YCBCR_ENC_DEFAULT)
		enc = V4L2_MAP_YCBCR_ENC_DEFAULT(kf.colorspace);
	uint32_t quantization = kf.quantization;
	if (quantization == V4L2_QUANTIZATION_DEFAULT)
		quantization = V4L2_MAP_QUANTIZATION_DEFAULT(false, kf.colorspace, enc);

	YuvEncoding encoding;
	switch (enc) {
	case V4L2_YCBCR_ENC_601:
	case V4L2_YCBCR_ENC_XV601:
		encoding.matrix = YuvMatrix::Bt601;
		break;
	case V4L2_YCBCR_ENC_709:
	case V4L2_YCBCR_ENC_XV709:
		encoding.matrix = YuvMatrix::Bt709;
		break;
	case V4L2_YCBCR_ENC_BT2020:
		encoding.matrix = YuvMatrix::Bt2020;
		break;
	default:
		return Error::fromErrno(ENOTSUP,
					describe(kf, info) + ": Y'CbCr encoding " +
						std::to_string(enc) + " (" +
						(enc == V4L2_YCBCR_ENC_SMPTE240M ? "SMPTE 240M"
						 : enc == V4L2_YCBCR_ENC_BT2020_CONST_LUM
							 ? "BT.2020 constant luminance"
							 : "unknown") +
						") is not one primecam converts (BT.601, "
						"BT.709, BT.2020)");
	}
	switch (quantization) {
	case V4L2_QUANTIZATION_LIM_RANGE:
		encoding.range = YuvRange::Limited;
		break;
	case V4L2_QUANTIZATION_FULL_RANGE:
		encoding.range = YuvRange::Full;
		break;
	default:
		return Error::fromErrno(ENOTSUP, describe(kf, info) + ": unknown quantization " +
							 std::to_string(quantization));
	}
	return encoding;
}

} /* namespace */

KernelFormat kernelFormatFrom(const v4l2_format &fmt)
{
	KernelFormat kf{};

	switch (fmt.type) {
	case V4L2_BUF_TYPE_VIDEO_CAPTURE:
	case V4L2_BUF_TYPE_VIDEO_OUTPUT: {
		const v4l2_pix_format &pix = fmt.fmt.pix;
		kf.fourcc = pix.pixelformat;
		kf.width = pix.width;
		kf.height = pix.height;
		kf.mplane = false;
		kf.numMemoryPlanes = 1;
		kf.memoryPlanes[0] = {pix.bytesperline, pix.sizeimage};
		kf.colorspace = pix.colorspace;
		kf.ycbcrEnc = pix.ycbcr_enc;
		kf.quantization = pix.quantization;
		break;
	}
	case V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE:
	case V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE: {
		const v4l2_pix_format_mplane &mp = fmt.fmt.pix_mp;
		kf.fourcc = mp.pixelformat;
		kf.width = mp.width;
		kf.height = mp.height;
		kf.mplane = true;
		/*
		 * Keep the kernel's count for the error message, but never
		 * read past plane_fmt[VIDEO_MAX_PLANES].
		 */
		kf.numMemoryPlanes = mp.num_planes;
		unsigned n = std::min<unsigned>(mp.num_planes, VIDEO_MAX_PLANES);
		for (unsigned i = 0; i < n; i++)
			kf.memoryPlanes[i] = {mp.plane_fmt[i].bytesperline,
					      mp.plane_fmt[i].sizeimage};
		kf.colorspace = mp.colorspace;
		kf.ycbcrEnc = mp.ycbcr_enc;
		kf.quantization = mp.quantization;
		break;
	}
	default:
		/* No pixel planes: fourcc 0, numMemoryPlanes 0. */
		break;
	}
	return kf;
}

Result<FrameLayout> layoutFromKernel(const KernelFormat &kf)
{
	const PixelFormatInfo *info = formatByV4l2(kf.fourcc);
	if (!info)
		return Error::fromErrno(ENOTSUP,
					describe(kf, nullptr) + ": not a format primecam handles");
	if (kf.width == 0 || kf.height == 0)
		return invalid(kf, info, "the kernel reported an empty image");

	/* The 'M' fourcc, not the API, says whether planes are separate buffers. */
	Result<FrameLayout> layout = info->v4l2Mplane != 0 && kf.fourcc == info->v4l2Mplane
					     ? nonContiguousLayout(kf, info)
					     : contiguousLayout(kf, info);
	if (layout && info->yuv) {
		Result<YuvEncoding> encoding = encodingOf(kf, info);
		if (!encoding)
			return std::move(encoding).error();
		layout->encoding = *encoding;
	}
	return layout;
}

} /* namespace primecam */
