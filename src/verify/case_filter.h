/* SPDX-License-Identifier: MIT */
#pragma once

#include <string_view>

namespace primecam {

/*
 * Whether `primecam verify --only PATTERN` selects the case called name
 * ("YUYV/640x480/mmap/single-planar/primary"). PATTERN is a comma-separated
 * list; the case is selected when any item matches. An item with *, ? or [
 * is a glob (fnmatch(3) without FNM_PATHNAME, so * crosses the /s:
 * "YUYV*primary"); any other item matches as a substring ("640x480").
 * Case-sensitive, as the names are the formats' own fourcc spellings.
 * Spaces around items are ignored, and so are empty items; a pattern with
 * no item at all selects every case.
 */
bool verifyCaseMatches(std::string_view pattern, std::string_view name);

} /* namespace primecam */
