/* SPDX-License-Identifier: MIT */
#include "drm/format_modifiers.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <drm_fourcc.h>
#include <drm_mode.h>
#include <xf86drm.h>

namespace primecam {

namespace {

Error blobError(const std::string &what)
{
	return Error{EINVAL, "malformed IN_FORMATS blob: " + what};
}

} /* namespace */

Result<std::vector<FormatModifier>> parseInFormats(std::span<const uint8_t> blob)
{
	drm_format_modifier_blob header;
	if (blob.size() < sizeof(header))
		return blobError(std::to_string(blob.size()) + " bytes, shorter than its header");
	std::memcpy(&header, blob.data(), sizeof(header));
	if (header.version != FORMAT_BLOB_CURRENT)
		return blobError("version " + std::to_string(header.version) + ", expected " +
				 std::to_string(FORMAT_BLOB_CURRENT));

	/* 64-bit sums: a 32-bit offset plus count * size must not wrap. */
	uint64_t formatsEnd =
		uint64_t{header.formats_offset} + uint64_t{header.count_formats} * sizeof(uint32_t);
	uint64_t modifiersEnd = uint64_t{header.modifiers_offset} +
				uint64_t{header.count_modifiers} * sizeof(drm_format_modifier);
	if (formatsEnd > blob.size())
		return blobError(std::to_string(header.count_formats) + " formats at offset " +
				 std::to_string(header.formats_offset) + " overrun its " +
				 std::to_string(blob.size()) + " bytes");
	if (modifiersEnd > blob.size())
		return blobError(std::to_string(header.count_modifiers) + " modifiers at offset " +
				 std::to_string(header.modifiers_offset) + " overrun its " +
				 std::to_string(blob.size()) + " bytes");

	std::vector<uint32_t> formats(header.count_formats);
	if (!formats.empty())
		std::memcpy(formats.data(), blob.data() + header.formats_offset,
			    formats.size() * sizeof(uint32_t));

	std::vector<FormatModifier> pairs;
	for (uint32_t m = 0; m < header.count_modifiers; ++m) {
		drm_format_modifier mod;
		std::memcpy(&mod, blob.data() + header.modifiers_offset + m * sizeof(mod),
			    sizeof(mod));
		/* Bit i of the mask is formats[offset + i]: the kernel windows
		 * the format list 64 at a time. */
		for (unsigned bit = 0; bit < 64; ++bit) {
			if (!(mod.formats & (uint64_t{1} << bit)))
				continue;
			uint64_t index = uint64_t{mod.offset} + bit;
			if (index >= formats.size())
				return blobError("modifier " + modifierName(mod.modifier) +
						 " names format " + std::to_string(index) + " of " +
						 std::to_string(formats.size()));
			pairs.push_back({formats[index], mod.modifier});
		}
	}
	return pairs;
}

std::vector<FormatModifier> linearFormats(std::span<const uint32_t> formats)
{
	std::vector<FormatModifier> pairs;
	pairs.reserve(formats.size());
	for (uint32_t format : formats)
		pairs.push_back({format, DRM_FORMAT_MOD_LINEAR});
	return pairs;
}

std::string modifierName(uint64_t modifier)
{
	char *name = drmGetFormatModifierName(modifier);
	if (name) {
		std::string text(name);
		std::free(name);
		return text;
	}
	char hex[24];
	std::snprintf(hex, sizeof(hex), "0x%016llx", static_cast<unsigned long long>(modifier));
	return hex;
}

} /* namespace primecam */
