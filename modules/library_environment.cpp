/* SPDX-License-Identifier: MIT */
#include "modules/library_environment.h"

#include <cstdlib>

namespace primecam {

namespace {

bool verbose = false;

/* Unless the user set it. */
void setDefault(const char *name, const char *value)
{
	setenv(name, value, 0);
}

} /* namespace */

void setLibraryLogsVerbose(bool on)
{
	verbose = on;
}

bool libraryLogsVerbose()
{
	return verbose;
}

void prepareLibraryEnvironment(const std::string &module)
{
	if (module == "libcamera") {
		setDefault("LTTNG_UST_WITHOUT_BADDR_STATEDUMP", "1");
		setDefault("LTTNG_UST_REGISTER_TIMEOUT", "0");
		setDefault("LIBCAMERA_LOG_NO_COLOR", "1");
		if (!verbose)
			setDefault("LIBCAMERA_LOG_LEVELS", "*:ERROR");
	} else if (module == "egl" || module == "glfw") {
		/* The user's own cache directory means they want a cache. */
		if (!getenv("MESA_SHADER_CACHE_DIR"))
			setDefault("MESA_SHADER_CACHE_DISABLE", "true");
		if (!verbose)
			setDefault("EGL_LOG_LEVEL", "fatal");
	}
}

} /* namespace primecam */
