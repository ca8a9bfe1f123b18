/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>
#include <vector>

#include <drm_fourcc.h>
#include <drm_mode.h>
#include <gtest/gtest.h>

#include "drm/format_modifiers.h"

using namespace primecam;

namespace {

/* An IN_FORMATS blob as the kernel lays it out: header, formats, then the
 * modifiers (each 8-byte aligned). */
std::vector<uint8_t> makeBlob(const std::vector<uint32_t> &formats,
			      const std::vector<drm_format_modifier> &modifiers)
{
	drm_format_modifier_blob header = {};
	header.version = FORMAT_BLOB_CURRENT;
	header.count_formats = static_cast<uint32_t>(formats.size());
	header.formats_offset = sizeof(header);
	header.count_modifiers = static_cast<uint32_t>(modifiers.size());
	size_t formatsEnd = sizeof(header) + formats.size() * sizeof(uint32_t);
	header.modifiers_offset = static_cast<uint32_t>((formatsEnd + 7) & ~size_t{7});

	std::vector<uint8_t> blob(header.modifiers_offset +
				  modifiers.size() * sizeof(drm_format_modifier));
	std::memcpy(blob.data(), &header, sizeof(header));
	/* memcpy from an empty vector's data() (nullptr) is undefined even
	 * for 0 bytes: UBSan says so. */
	if (!formats.empty())
		std::memcpy(blob.data() + header.formats_offset, formats.data(),
			    formats.size() * sizeof(uint32_t));
	if (!modifiers.empty())
		std::memcpy(blob.data() + header.modifiers_offset, modifiers.data(),
			    modifiers.size() * sizeof(drm_format_modifier));
	return blob;
}

drm_format_modifier mod(uint64_t mask, uint32_t offset, uint64_t modifier)
{
	drm_format_modifier m = {};
	m.formats = mask;
	m.offset = offset;
	m.modifier = modifier;
	return m;
}

drm_format_modifier_blob *header(std::vector<uint8_t> &blob)
{
	return reinterpret_cast<drm_format_modifier_blob *>(blob.data());
}

} /* namespace */

TEST(InFormats, ParsesFormatsPerModifier)
{
	auto blob = makeBlob(
		{DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_NV12},
		{mod(0b111, 0, DRM_FORMAT_MOD_LINEAR), mod(0b011, 0, I915_FORMAT_MOD_X_TILED)});
	auto pairs = parseInFormats(blob);
	ASSERT_TRUE(pairs.ok()) << pairs.error().message;
	std::vector<FormatModifier> expected = {
		{DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR},
		{DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_LINEAR},
		{DRM_FORMAT_NV12, DRM_FORMAT_MOD_LINEAR},
		{DRM_FORMAT_XRGB8888, I915_FORMAT_MOD_X_TILED},
		{DRM_FORMAT_ARGB8888, I915_FORMAT_MOD_X_TILED},
	};
	EXPECT_EQ(*pairs, expected);
}

TEST(InFormats, MaskOffsetWindowsTheFormatList)
{
	/* 70 formats: the second window (offset 64) names formats 64..69. */
	std::vector<uint32_t> formats;
	for (uint32_t i = 0; i < 70; ++i)
		formats.push_back(0x1000 + i);
	auto blob = makeBlob(formats, {mod(uint64_t{1} << 5, 64, 7)});
	auto pairs = parseInFormats(blob);
	ASSERT_TRUE(pairs.ok()) << pairs.error().message;
	ASSERT_EQ(pairs->size(), 1u);
	EXPECT_EQ((*pairs)[0], (FormatModifier{0x1000 + 69, 7}));
}

TEST(InFormats, EmptyBlobListsNothing)
{
	auto pairs = parseInFormats(makeBlob({}, {}));
	ASSERT_TRUE(pairs.ok()) << pairs.error().message;
	EXPECT_TRUE(pairs->empty());
}

TEST(InFormats, ShortBlobIsRefused)
{
	std::vector<uint8_t> blob(sizeof(drm_format_modifier_blob) - 1);
	auto pairs = parseInFormats(blob);
	ASSERT_FALSE(pairs.ok());
	EXPECT_EQ(pairs.error().code, EINVAL);
	EXPECT_NE(pairs.error().message.find("header"), std::string::npos) << pairs.error().message;
}

TEST(InFormats, TruncatedModifiersAreRefused)
{
	auto blob = makeBlob({DRM_FORMAT_XRGB8888}, {mod(1, 0, DRM_FORMAT_MOD_LINEAR)});
	blob.resize(blob.size() - 1);
	auto pairs = parseInFormats(blob);
	ASSERT_FALSE(pairs.ok());
	EXPECT_EQ(pairs.error().code, EINVAL);
	EXPECT_NE(pairs.error().message.find("overrun"), std::string::npos)
		<< pairs.error().message;
}

TEST(InFormats, FormatCountPastTheEndIsRefused)
{
	auto blob = makeBlob({DRM_FORMAT_XRGB8888}, {});
	header(blob)->count_formats = 0x40000000; /* * 4 wraps a 32-bit sum */
	auto pairs = parseInFormats(blob);
	ASSERT_FALSE(pairs.ok());
	EXPECT_EQ(pairs.error().code, EINVAL);
}

TEST(InFormats, ModifierNamingAMissingFormatIsRefused)
{
	auto blob = makeBlob({DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888},
			     {mod(0b100, 0, DRM_FORMAT_MOD_LINEAR)});
	auto pairs = parseInFormats(blob);
	ASSERT_FALSE(pairs.ok());
	EXPECT_NE(pairs.error().message.find("format 2 of 2"), std::string::npos)
		<< pairs.error().message;
}

TEST(InFormats, UnknownVersionIsRefused)
{
	auto blob = makeBlob({DRM_FORMAT_XRGB8888}, {});
	header(blob)->version = 2;
	auto pairs = parseInFormats(blob);
	ASSERT_FALSE(pairs.ok());
	EXPECT_NE(pairs.error().message.find("version 2"), std::string::npos)
		<< pairs.error().message;
}

TEST(InFormats, PlaneWithoutInFormatsIsLinear)
{
	const uint32_t formats[] = {DRM_FORMAT_XRGB8888, DRM_FORMAT_RGB565};
	auto pairs = linearFormats(formats);
	std::vector<FormatModifier> expected = {{DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR},
						{DRM_FORMAT_RGB565, DRM_FORMAT_MOD_LINEAR}};
	EXPECT_EQ(pairs, expected);
}

TEST(InFormats, ModifierNames)
{
	EXPECT_EQ(modifierName(DRM_FORMAT_MOD_LINEAR), "LINEAR");
	/* A vendor libdrm does not know: the number, so the message still
	 * says something exact. */
	EXPECT_EQ(modifierName(0x7e00000000000001ull), "0x7e00000000000001");
}
