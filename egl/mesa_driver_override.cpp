/* SPDX-License-Identifier: MIT */
#include "egl/mesa_driver_override.h"

#include <cstdlib>

#include "modules/library_environment.h"

namespace primecam {

namespace {

constexpr const char *kVariable = "MESA_LOADER_DRIVER_OVERRIDE";

/* Kernel DRM drivers without a GPU: Mesa renders on them with llvmpipe
 * through kms_swrast (dumb buffers), and has no driver of their name. */
bool softwareOnly(const std::string &driver)
{
	return driver == "vkms" || driver == "vgem";
}

} /* namespace */

MesaDriverOverride::MesaDriverOverride(const std::string &kernelDriver)
{
	if (libraryLogsVerbose() || !softwareOnly(kernelDriver) || getenv(kVariable))
		return;
	set_ = setenv(kVariable, "kms_swrast", 0) == 0;
}

MesaDriverOverride::~MesaDriverOverride()
{
	if (set_)
		unsetenv(kVariable);
}

} /* namespace primecam */
