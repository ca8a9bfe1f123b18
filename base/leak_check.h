/* SPDX-License-Identifier: MIT */
#pragma once

namespace primecam {

/*
 * In a build with LeakSanitizer: look for leaks now, once, instead of at
 * exit (a no-op otherwise, and when ASAN_OPTIONS has detect_leaks=0). A
 * report ends the process with LeakSanitizer's exit code.
 *
 * Why not at exit: libasan's check runs after every library's destructor,
 * and libglvnd's destructor unloads Mesa. What Mesa keeps for the life of
 * the process is then referenced from nowhere, and its allocation stacks end
 * in unloaded code, which no suppression can name. Called at the end of
 * main(), once primecam's own objects are gone and while every library is
 * still loaded, only what primecam lost is reported.
 */
void checkLeaksNow();

/*
 * In a build with LeakSanitizer: keeps every library loaded now in memory
 * until the process ends (a no-op otherwise). Called once EGL loaded Mesa's
 * driver: eglTerminate() unloads it, and its allocations' stacks would then
 * end in unloaded code, which no suppression (tests/sanitizer/lsan.supp)
 * can name. A library that stays is harmless to a test; a stack that cannot
 * be told from primecam's would fail every sanitized run.
 */
void keepLibrariesLoaded();

} /* namespace primecam */
