/* SPDX-License-Identifier: MIT */
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "device_test.h"

namespace primecam::test {

bool devicesRequired()
{
	const char *value = std::getenv("PRIMECAM_REQUIRE_DEVICES");
	return value && std::strcmp(value, "0") != 0 && value[0] != '\0';
}

} /* namespace primecam::test */

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	int ret = RUN_ALL_TESTS();

	/* Belt and braces: a GTEST_SKIP() from anywhere (not only from
	 * PRIMECAM_NEED_DEVICE) must not let a required run pass. */
	const ::testing::UnitTest &unit = *::testing::UnitTest::GetInstance();
	if (primecam::test::devicesRequired() && unit.skipped_test_count() > 0) {
		std::fprintf(
			stderr,
			"device-tests: %d test(s) skipped while PRIMECAM_REQUIRE_DEVICES is set\n",
			unit.skipped_test_count());
		return 1;
	}
	return ret;
}
