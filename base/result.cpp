/* SPDX-License-Identifier: MIT */
#include "base/result.h"

#include <cstring>
#include <string_view>

namespace primecam {

std::string errnoText(int code)
{
	const char *name = strerrorname_np(code);
	std::string text = strerror(code);
	text += " (";
	if (name) {
		text += name;
		text += ", ";
	}
	text += std::to_string(code);
	text += ")";
	return text;
}

Error Error::fromErrno(int code, std::string_view what)
{
	std::string message(what);
	message += ": ";
	message += errnoText(code);
	return Error{code, std::move(message)};
}

} /* namespace primecam */
