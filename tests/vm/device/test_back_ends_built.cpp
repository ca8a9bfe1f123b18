/* SPDX-License-Identifier: MIT */
/*
 * The device tests of a back end exist only in a build that has the back
 * end (its library found by Meson). A build without one would run fewer
 * tests and still pass; in the VM, where every back end is tested, that is
 * a failure naming what is missing.
 */
#include <string>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "tests/vm/device/device_test.h"

namespace {

TEST(Build, EveryBackEndAndItsDeviceTestsAreBuilt)
{
	std::string missing;
#ifndef PRIMECAM_HAVE_EGL
	missing += " egl (EGL, GLESv2, GBM: gl-headless, gl-kms)";
#endif
#ifndef PRIMECAM_HAVE_GLFW
	missing += " glfw (gl-window)";
#endif
#if !PRIMECAM_HAVE_LIBCAMERA
	missing += " libcamera (the libcamera source)";
#endif
#if !PRIMECAM_HAVE_LIBV4L2
	missing += " libv4l2 (memory = \"libv4l2\")";
#endif
	if (!missing.empty()) {
		if (primecam::test::devicesRequired())
			FAIL() << "built without" << missing
			       << ": their device tests are not in this binary (meson setup "
				  "-Dauto_features=enabled, as tests/run-all.sh does, fails "
				  "instead)";
		GTEST_SKIP() << "built without" << missing;
	}
}

} /* namespace */
