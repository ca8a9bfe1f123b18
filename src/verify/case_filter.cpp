/* SPDX-License-Identifier: MIT */
#include "src/verify/case_filter.h"

#include <string>

#include <fnmatch.h>

namespace primecam {

namespace {

std::string_view trimmed(std::string_view text)
{
	while (!text.empty() && text.front() == ' ')
		text.remove_prefix(1);
	while (!text.empty() && text.back() == ' ')
		text.remove_suffix(1);
	return text;
}

bool itemMatches(std::string_view item, std::string_view name)
{
	if (item.find_first_of("*?[") == std::string_view::npos)
		return name.find(item) != std::string_view::npos;
	/* fnmatch wants NUL-terminated strings. */
	return ::fnmatch(std::string(item).c_str(), std::string(name).c_str(), 0) == 0;
}

} /* namespace */

bool verifyCaseMatches(std::string_view pattern, std::string_view name)
{
	bool anyItem = false;
	while (true) {
		size_t comma = pattern.find(',');
		std::string_view item = trimmed(pattern.substr(0, comma));
		if (!item.empty()) {
			anyItem = true;
			if (itemMatches(item, name))
				return true;
		}
		if (comma == std::string_view::npos)
			break;
		pattern.remove_prefix(comma + 1);
	}
	return !anyItem;
}

} /* namespace primecam */
