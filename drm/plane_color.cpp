/* SPDX-License-Identifier: MIT */
#include "drm/plane_color.h"

#include <cerrno>

namespace primecam {

const char *colorEncodingEntry(YuvMatrix matrix)
{
	switch (matrix) {
	case YuvMatrix::Bt601:
		return "ITU-R BT.601 YCbCr";
	case YuvMatrix::Bt709:
		return "ITU-R BT.709 YCbCr";
	case YuvMatrix::Bt2020:
		return "ITU-R BT.2020 YCbCr";
	}
	return "";
}

const char *colorRangeEntry(YuvRange range)
{
	return range == YuvRange::Full ? "YCbCr full range" : "YCbCr limited range";
}

Result<std::optional<PlaneColor>> planeColorFor(const KmsPlane &plane,
						const PixelFormatInfo &format, YuvEncoding encoding,
						bool acceptPlaneEncoding, const std::string &where)
{
	if (!format.yuv)
		return std::optional<PlaneColor>();

	PlaneColor color;
	/* What the plane does with each half when it cannot be told: the
	 * fixed conversion is taken to be BT.601 limited (see the header). */
	std::string missing;
	const YuvEncoding fixed;
	if (const KmsProperty *prop = plane.properties.find("COLOR_ENCODING")) {
		if (std::optional<uint64_t> value =
			    prop->enumValue(colorEncodingEntry(encoding.matrix))) {
			color.encodingProperty = prop->id;
			color.encoding = *value;
		} else if (encoding.matrix != fixed.matrix) {
			missing = std::string("its COLOR_ENCODING has no \"") +
				  colorEncodingEntry(encoding.matrix) +
				  "\" (it offers: " + prop->enumNames() + ")";
		}
	} else if (encoding.matrix != fixed.matrix) {
		missing = "it has no COLOR_ENCODING property (a fixed BT.601 conversion)";
	}
	if (const KmsProperty *prop = plane.properties.find("COLOR_RANGE")) {
		if (std::optional<uint64_t> value =
			    prop->enumValue(colorRangeEntry(encoding.range))) {
			color.rangeProperty = prop->id;
			color.range = *value;
		} else if (encoding.range != fixed.range) {
			missing += std::string(missing.empty() ? "" : "; ") +
				   "its COLOR_RANGE has no \"" + colorRangeEntry(encoding.range) +
				   "\" (it offers: " + prop->enumNames() + ")";
		}
	} else if (encoding.range != fixed.range) {
		missing += std::string(missing.empty() ? "" : "; ") +
			   "it has no COLOR_RANGE property (a fixed limited-range conversion)";
	}
	if (!missing.empty() && !acceptPlaneEncoding)
		return Error{EINVAL,
			     where + " would show " + std::string(format.name) +
				     " frames encoded " + describe(encoding) +
				     " with the wrong colours: " + missing +
				     ". Convert on the way (a convert stage, gl-kms), or set "
				     "accept_plane_encoding = true to show them as the plane "
				     "converts"};
	return std::optional<PlaneColor>(color);
}

} /* namespace primecam */
