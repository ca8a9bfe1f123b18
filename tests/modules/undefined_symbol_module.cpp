/* SPDX-License-Identifier: MIT */
/*
 * A test fixture built as primecam-egl.so in its own folder: a module that
 * cannot load, because it needs a function no library defines (as a module
 * whose library is missing or too old would). The loader must report
 * dlerror()'s text, the module and the packages.
 */
#include "modules/module_api.h"

extern "C" int primecam_test_function_nobody_defines();

extern "C" __attribute__((visibility("default"))) const primecam::ModuleEntry *
primecam_module_entry()
{
	static const primecam::ModuleEntry entry{
		static_cast<uint32_t>(primecam_test_function_nobody_defines()),
		"egl",
		nullptr,
		nullptr,
		nullptr,
		nullptr};
	return &entry;
}
