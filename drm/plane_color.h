/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>

#include "base/pixel_format.h"
#include "base/result.h"
#include "base/yuv_encoding.h"
#include "drm/kms_resources.h"

namespace primecam {

/*
 * How a plane turns a YUV framebuffer into RGB: its COLOR_ENCODING (the
 * Y'CbCr matrix) and COLOR_RANGE (limited or full) properties, which
 * drivers create with drm_plane_create_color_properties(). Left alone, a
 * plane converts with whatever its driver (or the last client) set, so a
 * BT.709 or full-range camera would be shown with BT.601 limited-range
 * colours: skin tones shift and blacks lift, and nothing reports an error.
 * libcamera's `cam` sets both from the stream's ColorSpace; so does
 * primecam, from the frame's YuvEncoding.
 */
struct PlaneColor {
	uint32_t encodingProperty = 0; /* 0: the plane has no COLOR_ENCODING */
	uint64_t encoding = 0;
	uint32_t rangeProperty = 0; /* 0: the plane has no COLOR_RANGE */
	uint64_t range = 0;
};

/* The kernel's names for the entries (drm_color_mgmt.c), which are the
 * stable part of the uAPI; the values behind them are looked up. */
const char *colorEncodingEntry(YuvMatrix matrix);
const char *colorRangeEntry(YuvRange range);

/*
 * The plane properties for frames of format, encoded as encoding, on plane:
 * nullopt for an RGB format (the properties do not apply).
 *
 * A plane without the properties (or without the frame's entry) converts
 * with a fixed encoding, taken to be BT.601 limited range, the default of
 * every driver that has the properties and of V4L2 for SDTV. Frames in
 * another encoding are refused (EINVAL, naming the plane, the frames'
 * encoding and what the plane offers) unless acceptPlaneEncoding: the user
 * has said the colours may be off. where names the plane for the message.
 */
Result<std::optional<PlaneColor>> planeColorFor(const KmsPlane &plane,
						const PixelFormatInfo &format, YuvEncoding encoding,
						bool acceptPlaneEncoding, const std::string &where);

} /* namespace primecam */
