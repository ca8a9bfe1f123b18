/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Device tests run for real inside the test VM and skip on a host without
 * the virtual drivers. The VM runner sets PRIMECAM_REQUIRE_DEVICES=1, which
 * turns a missing device into a failure: CI can never pass by skipping.
 */

#include <gtest/gtest.h>

namespace primecam::test {

bool devicesRequired();
/* The running test's time limit, from now (a soak that streams for minutes;
 * the default is for tests of seconds). */
void extendTestTimeout(unsigned seconds);

} /* namespace primecam::test */

/* Skips the test (fails it under PRIMECAM_REQUIRE_DEVICES=1) unless cond. */
#define PRIMECAM_NEED_DEVICE(cond, what)                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			if (::primecam::test::devicesRequired())                                   \
				FAIL() << "required device missing: " << what;                     \
			else                                                                       \
				GTEST_SKIP()                                                       \
					<< what << " (run inside the VM: tests/vm/run-vm.sh)";     \
		}                                                                                  \
	} while (0)
