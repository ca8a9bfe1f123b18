/* SPDX-License-Identifier: MIT */
/*
 * A test fixture built as primecam-libv4l2.so in its own folder: a module of
 * another interface version (an old install beside a new program). The
 * loader must refuse it before calling into it, naming both versions.
 */
#include "modules/module_api.h"

extern "C" __attribute__((visibility("default"))) const primecam::ModuleEntry *
primecam_module_entry()
{
	static const primecam::ModuleEntry entry{
		primecam::kModuleAbiVersion + 1, "libv4l2", nullptr, nullptr, nullptr, nullptr};
	return &entry;
}
