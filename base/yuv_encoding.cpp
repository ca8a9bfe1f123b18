/* SPDX-License-Identifier: MIT */
#include "base/yuv_encoding.h"

namespace primecam {

std::string describe(YuvEncoding encoding)
{
	return std::string(yuvMatrixName(encoding.matrix)) + " " + yuvRangeName(encoding.range);
}

std::string YuvEncodingChoice::describeFor(YuvEncoding frame) const
{
	std::string text = describe(applyTo(frame));
	if (empty())
		return text + ", as the frames say";
	std::string chosen;
	if (matrix)
		chosen = yuvMatrixName(*matrix);
	if (range)
		chosen += std::string(chosen.empty() ? "" : " ") + yuvRangeName(*range);
	return text + ", " + chosen + " set by the config (the frames say " + describe(frame) + ")";
}

LumaWeights lumaWeights(YuvMatrix matrix)
{
	switch (matrix) {
	case YuvMatrix::Bt709:
		return {0.2126, 0.0722};
	case YuvMatrix::Bt2020:
		return {0.2627, 0.0593};
	case YuvMatrix::Bt601:
		break;
	}
	return {0.299, 0.114};
}

std::optional<YuvMatrix> yuvMatrixByName(std::string_view name)
{
	for (YuvMatrix m : {YuvMatrix::Bt601, YuvMatrix::Bt709, YuvMatrix::Bt2020})
		if (name == yuvMatrixName(m))
			return m;
	return std::nullopt;
}

std::optional<YuvRange> yuvRangeByName(std::string_view name)
{
	for (YuvRange r : {YuvRange::Limited, YuvRange::Full})
		if (name == yuvRangeName(r))
			return r;
	return std::nullopt;
}

const char *yuvMatrixName(YuvMatrix matrix)
{
	switch (matrix) {
	case YuvMatrix::Bt601:
		return "bt601";
	case YuvMatrix::Bt709:
		return "bt709";
	case YuvMatrix::Bt2020:
		return "bt2020";
	}
	return "unknown";
}

const char *yuvRangeName(YuvRange range)
{
	switch (range) {
	case YuvRange::Limited:
		return "limited";
	case YuvRange::Full:
		return "full";
	}
	return "unknown";
}

} /* namespace primecam */
