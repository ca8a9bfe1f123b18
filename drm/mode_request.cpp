/* SPDX-License-Identifier: MIT */
#include "drm/mode_request.h"

#include <charconv>

namespace primecam {

namespace {

constexpr uint32_t kMaxDimension = 16384;
constexpr double kMaxRefresh = 1000;

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number from 1 to kMaxDimension at the start of text, which it
 * then leaves behind. */
std::optional<uint32_t> takeDimension(std::string_view &text)
{
	if (text.empty() || !isDigit(text[0]))
		return std::nullopt;
	uint32_t n = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
	if (ec != std::errc() || n < 1 || n > kMaxDimension)
		return std::nullopt;
	text.remove_prefix(static_cast<size_t>(end - text.data()));
	return n;
}

} /* namespace */

std::optional<ModeRequest> ModeRequest::parse(std::string_view text)
{
	ModeRequest mode;
	mode.text = text;
	std::string_view rest = text;
	std::optional<uint32_t> width = takeDimension(rest);
	if (!width || rest.empty() || rest[0] != 'x')
		return std::nullopt;
	rest.remove_prefix(1);
	std::optional<uint32_t> height = takeDimension(rest);
	if (!height)
		return std::nullopt;
	mode.width = *width;
	mode.height = *height;
	if (rest.empty())
		return mode;

	if (rest[0] != '@')
		return std::nullopt;
	rest.remove_prefix(1);
	/* A digit first: from_chars would also take "inf" and "nan". */
	if (rest.empty() || !isDigit(rest[0]))
		return std::nullopt;
	double rate = 0;
	auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), rate,
					 std::chars_format::fixed);
	if (ec != std::errc() || end != rest.data() + rest.size() || !(rate > 0) ||
	    rate > kMaxRefresh)
		return std::nullopt;
	mode.refresh = rate;
	return mode;
}

} /* namespace primecam */
