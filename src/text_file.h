/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace primecam {

/*
 * Writes text to path, created (0644) or truncated. what names the file in
 * the error ("stats file", "JUnit report"): the message reads "writing
 * stats file /tmp/x.json: No space left on device (ENOSPC, 28)", with the
 * errno as the Error's code. The close() is checked too: NFS and 9p report
 * a failed write there.
 */
Result<void> writeTextFile(const std::string &path, std::string_view text,
			   std::string_view what = "file");

} /* namespace primecam */
