/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

namespace primecam {

/*
 * The contents of a small kernel-made text file (a sysfs attribute, a uevent,
 * /proc/self/fdinfo/N): one read() of at most 4 KiB, which the kernel fills
 * whole for such files. Empty when the file cannot be opened or read. Plain
 * syscalls rather than a stream: an ifstream builds the C++ locale, by far
 * the largest piece of code a start-up would run for it.
 */
std::string readSmallFile(const std::string &path);

} /* namespace primecam */
