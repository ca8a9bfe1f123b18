/* SPDX-License-Identifier: MIT */
#include "src/verify/xml_text.h"

#include <cstdint>

namespace primecam {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; /* U+FFFD */

/* The length of the well-formed UTF-8 sequence at the start of text, and
 * its code point; 0 when it is not one (stray continuation byte, truncated
 * or overlong sequence, a surrogate, beyond U+10FFFF). */
size_t decodeUtf8(std::string_view text, uint32_t &codePoint)
{
	auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
	uint8_t lead = byte(0);
	size_t length;
	uint32_t min;
	if (lead < 0x80) {
		codePoint = lead;
		return 1;
	} else if ((lead & 0xE0) == 0xC0) {
		length = 2;
		min = 0x80;
		codePoint = lead & 0x1F;
	} else if ((lead & 0xF0) == 0xE0) {
		length = 3;
		min = 0x800;
		codePoint = lead & 0x0F;
	} else if ((lead & 0xF8) == 0xF0) {
		length = 4;
		min = 0x10000;
		codePoint = lead & 0x07;
	} else {
		return 0;
	}
	if (text.size() < length)
		return 0;
	for (size_t i = 1; i < length; ++i) {
		if ((byte(i) & 0xC0) != 0x80)
			return 0;
		codePoint = (codePoint << 6) | (byte(i) & 0x3F);
	}
	if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
		return 0;
	return length;
}

/* XML 1.0's Char production, less what is escaped or dropped above. */
bool xmlAllows(uint32_t c)
{
	return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

} /* namespace */

std::string xmlEscape(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	while (!text.empty()) {
		uint32_t c = 0;
		size_t length = decodeUtf8(text, c);
		if (!length) {
			out += kReplacement;
			text.remove_prefix(1);
			continue;
		}
		if (xmlAllows(c)) {
			switch (c) {
			case '&':
				out += "&amp;";
				break;
			case '<':
				out += "&lt;";
				break;
			case '>':
				out += "&gt;";
				break;
			case '"':
				out += "&quot;";
				break;
			case '\'':
				out += "&apos;";
				break;
			case '\t':
				out += "&#9;";
				break;
			case '\n':
				out += "&#10;";
				break;
			case '\r':
				out += "&#13;";
				break;
			default:
				out += text.substr(0, length);
			}
		}
		text.remove_prefix(length);
	}
	return out;
}

} /* namespace primecam */
