/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

namespace primecam {

/*
 * The back ends' libraries talk on stderr and do start-up work of their
 * own; each has documented environment variables that say how much. Before
 * a module is loaded, prepareLibraryEnvironment() sets them for it with
 * setenv(..., overwrite = 0), so that a variable the user set wins:
 *
 * - quiet unless verbose (`primecam -v`): libcamera's log at ERROR and
 *   above (LIBCAMERA_LOG_LEVELS), Mesa's EGL log at fatal (EGL_LOG_LEVEL,
 *   which also carries the "MESA-LOADER" lines of EGL's driver loader;
 *   GBM's loader prints regardless: see egl/mesa_driver_override.h);
 * - always: libcamera's log without ANSI colours (LIBCAMERA_LOG_NO_COLOR),
 *   and no start-up work primecam does not use: lttng-ust (linked by
 *   libcamera 0.0.3) neither dumps the base address of every loaded ELF
 *   (LTTNG_UST_WITHOUT_BADDR_STATEDUMP) nor waits for a session daemon
 *   (LTTNG_UST_REGISTER_TIMEOUT=0), and Mesa keeps no shader cache
 *   (MESA_SHADER_CACHE_DISABLE; primecam compiles a few small shaders
 *   once per sink, and the cache's directory is often unwritable where
 *   primecam runs: a read-only root, a service user's home).
 */
void setLibraryLogsVerbose(bool verbose);
bool libraryLogsVerbose();

/* module: "libcamera", "egl", "glfw", "libv4l2". */
void prepareLibraryEnvironment(const std::string &module);

} /* namespace primecam */
