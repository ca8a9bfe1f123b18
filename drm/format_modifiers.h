/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace primecam {

/* One (format, modifier) pair a plane can scan out. */
struct FormatModifier {
	uint32_t format;
	uint64_t modifier;

	bool operator==(const FormatModifier &) const = default;
};

/*
 * Parses a plane's IN_FORMATS blob (struct drm_format_modifier_blob): a
 * list of formats, then a list of modifiers each with a 64-bit mask saying
 * which formats (from its offset on) it applies to. Every offset and count
 * is checked against the blob's size: a short or corrupt blob is an EINVAL
 * error, never a read past its end.
 */
Result<std::vector<FormatModifier>> parseInFormats(std::span<const uint8_t> blob);

/*
 * The pairs a plane without IN_FORMATS supports: its format list, linear
 * only. (A driver that does not advertise modifiers scans out linear
 * buffers; DRM_FORMAT_MOD_LINEAR is what "no modifier" means.)
 */
std::vector<FormatModifier> linearFormats(std::span<const uint32_t> formats);

/* "LINEAR", "I915_X_TILED", ... as libdrm names it, or the number in hex. */
std::string modifierName(uint64_t modifier);

} /* namespace primecam */
