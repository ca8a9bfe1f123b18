/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <string_view>

namespace primecam {

/*
 * text made safe inside an XML 1.0 attribute value or element content:
 * & < > " ' as entities; tab, newline and carriage return as character
 * references (an attribute keeps them, where a parser would turn them into
 * spaces); the characters XML 1.0 forbids (the other control characters,
 * U+FFFE, U+FFFF) dropped; bytes that are not UTF-8 replaced by U+FFFD. A
 * driver's name or an error message can then never make the document one
 * that a CI server refuses to read.
 */
std::string xmlEscape(std::string_view text);

} /* namespace primecam */
