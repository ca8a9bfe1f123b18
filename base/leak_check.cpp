/* SPDX-License-Identifier: MIT */
#include "base/leak_check.h"

/* GCC says -fsanitize=address with __SANITIZE_ADDRESS__, clang with
 * __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define PRIMECAM_LEAK_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define PRIMECAM_LEAK_SANITIZER 1
#endif
#endif

#ifdef PRIMECAM_LEAK_SANITIZER
#include <dlfcn.h>
#include <link.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace primecam {

void checkLeaksNow()
{
#ifdef PRIMECAM_LEAK_SANITIZER
	__lsan_do_leak_check();
#endif
}

void keepLibrariesLoaded()
{
#ifdef PRIMECAM_LEAK_SANITIZER
	/* RTLD_NOLOAD | RTLD_NODELETE marks a library that is already loaded
	 * as never to be unloaded; the handle is deliberately kept. */
	dl_iterate_phdr(
		[](struct dl_phdr_info *info, size_t, void *) {
			if (info->dlpi_name && info->dlpi_name[0] == '/')
				dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
			return 0;
		},
		nullptr);
#endif
}

} /* namespace primecam */
