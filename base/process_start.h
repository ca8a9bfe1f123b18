/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"

namespace primecam {

/*
 * When this process began, on CLOCK_MONOTONIC (the clock of V4L2 and DRM
 * timestamps), so that start-up can be reported from the exec rather than
 * from main(): the dynamic linker's work before main() is part of what a
 * user waits for.
 *
 * The kernel keeps the start as task->start_boottime and shows it only in
 * /proc/self/stat, in clock ticks (USER_HZ, 10 ms on every Linux), on
 * CLOCK_BOOTTIME, taken at fork(). So the figure is up to one tick early,
 * and includes fork-to-exec, which for a shell or a test harness is well
 * under a tick.
 */
Result<int64_t> processStartMonotonicNs();

/* The starttime field (the 22nd) of a /proc/PID/stat line, in clock ticks;
 * nullopt when the line is malformed. The command name (field 2) is in
 * parentheses and may itself hold spaces and parentheses: the fields are
 * counted from the last ')'. */
std::optional<uint64_t> procStatStartTicks(std::string_view stat);

} /* namespace primecam */
