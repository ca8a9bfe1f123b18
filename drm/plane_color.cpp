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

namespace {

/*
 * One of the two properties: its value for entry into *property and *value
 * when the plane has both, else, when wanted differs from the plane's fixed
 * conversion, why the plane cannot be told (fixedText: what it does
 * instead); empty when nothing is wrong.
 */
std::string chooseEntry(const KmsPlane &plane, const char *name, const char *entry,
			bool differsFromFixed, const char *fixedText, uint32_t *property,
			uint64_t *value)
{
	const KmsProperty *prop = plane.properties.find(name);
	if (!prop)
		return differsFromFixed
			       ? std::string("it has no ") + name + " property (" + fixedText + ")"
			       : std::string();
	if (std::optional<uint64_t> found = prop->enumValue(entry)) {
		*property = prop->id;
		*value = *found;
		return {};
	}
	return differsFromFixed ? std::string("its ") + name + " has no \"" + entry +
					  "\" (it offers: " + prop->enumNames() + ")"
				: std::string();
}

} /* namespace */

Result<std::optional<PlaneColor>> planeColorFor(const KmsPlane &plane,
						const PixelFormatInfo &format, YuvEncoding encoding,
						bool acceptPlaneEncoding, const std::string &where)
{
	if (!format.yuv)
		return std::optional<PlaneColor>();

	PlaneColor color;
	/* What the plane does with each half when it cannot be told: the
	 * fixed conversion is taken to be BT.601 limited (see the header). */
	const YuvEncoding fixed;
	std::string missing =
		chooseEntry(plane, "COLOR_ENCODING", colorEncodingEntry(encoding.matrix),
			    encoding.matrix != fixed.matrix, "a fixed BT.601 conversion",
			    &color.encodingProperty, &color.encoding);
	std::string range =
		chooseEntry(plane, "COLOR_RANGE", colorRangeEntry(encoding.range),
			    encoding.range != fixed.range, "a fixed limited-range conversion",
			    &color.rangeProperty, &color.range);
	if (!range.empty())
		missing += (missing.empty() ? "" : "; ") + range;
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
