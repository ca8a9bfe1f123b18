/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * How a YUV image's numbers turn into R'G'B': the Y'CbCr matrix and the
 * quantization range. A property of the frame, stated by its producer (V4L2's
 * ycbcr_enc and quantization fields, libcamera's ColorSpace), which every
 * consumer that converts (a libyuv stage, a GL shader) must follow: reading
 * a BT.709 stream with BT.601 coefficients shifts every colour, and reading
 * full range as limited crushes blacks and clips whites.
 */

#include <optional>
#include <string>
#include <string_view>

namespace primecam {

enum class YuvMatrix {
	Bt601, /* SDTV, JPEG, and V4L2's default for sRGB webcams */
	Bt709, /* HDTV */
	Bt2020,
};

/* Limited is Y 16..235 and C 16..240 (of 255); full is 0..255 for both. */
enum class YuvRange {
	Limited,
	Full,
};

/* V4L2's default for SDTV-sized YUV and for webcams (sRGB colorspace). */
struct YuvEncoding {
	YuvMatrix matrix = YuvMatrix::Bt601;
	YuvRange range = YuvRange::Limited;
	bool operator==(const YuvEncoding &) const = default;
};

/* "bt709 full" */
std::string describe(YuvEncoding encoding);

/*
 * What a config file says over the producer's encoding: a field left unset
 * follows the frame, a field set replaces it (for a device that reports its
 * colorimetry wrongly).
 */
struct YuvEncodingChoice {
	std::optional<YuvMatrix> matrix;
	std::optional<YuvRange> range;

	bool empty() const { return !matrix && !range; }
	YuvEncoding applyTo(YuvEncoding frame) const
	{
		return {matrix.value_or(frame.matrix), range.value_or(frame.range)};
	}
	/* "bt709 full, as the frames say"; "bt709 limited, bt709 set by the
	 * config (the frames say bt601 limited)" */
	std::string describeFor(YuvEncoding frame) const;
};

/*
 * The luma weights Kr and Kb of a matrix (Kg = 1 - Kr - Kb): BT.601 0.299,
 * 0.114; BT.709 0.2126, 0.0722; BT.2020 0.2627, 0.0593. Every Y'CbCr ->
 * R'G'B' coefficient follows from these two.
 */
struct LumaWeights {
	double kr;
	double kb;
};
LumaWeights lumaWeights(YuvMatrix matrix);

/*
 * Config-file names: "bt601", "bt709", "bt2020"; "limited", "full".
 * std::nullopt when unknown.
 */
std::optional<YuvMatrix> yuvMatrixByName(std::string_view name);
std::optional<YuvRange> yuvRangeByName(std::string_view name);
const char *yuvMatrixName(YuvMatrix matrix);
const char *yuvRangeName(YuvRange range);

} /* namespace primecam */
