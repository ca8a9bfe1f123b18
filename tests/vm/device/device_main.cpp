/* SPDX-License-Identifier: MIT */
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "base/leak_check.h"
#include "device_test.h"

namespace primecam::test {

bool devicesRequired()
{
	const char *value = std::getenv("PRIMECAM_REQUIRE_DEVICES");
	return value && std::strcmp(value, "0") != 0 && value[0] != '\0';
}

namespace {

/*
 * A test that hangs must not hang the VM until the runner's timeout, with
 * nothing on the console to say which test it was: after kTestTimeoutS a
 * SIGALRM prints the test's name and where its threads wait in the kernel
 * (wchan), and ends the binary with a failure. The slowest test takes about
 * 40 s in the VM on a loaded host. PRIMECAM_TEST_TIMEOUT_S changes the limit
 * (to see the watchdog fire).
 */
unsigned testTimeoutS = 180;
char runningTest[512];

void writeText(const char *text)
{
	ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
	(void)ignored;
}

/* Only async-signal-safe calls: open, read, write, close, _exit. */
void onTestTimeout(int)
{
	writeText("\ndevice-tests: ");
	writeText(runningTest);
	writeText(" still running after its time limit; ");
	char wchan[128] = {};
	int fd = ::open("/proc/self/wchan", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = ::read(fd, wchan, sizeof(wchan) - 1);
		wchan[n > 0 ? n : 0] = '\0';
		::close(fd);
	}
	writeText("main thread waits in the kernel at: ");
	writeText(wchan[0] ? wchan : "(running)");
	writeText("\n");
	_exit(3);
}

class TestWatchdog : public ::testing::EmptyTestEventListener
{
	void OnTestStart(const ::testing::TestInfo &info) override
	{
		std::snprintf(runningTest, sizeof(runningTest), "%s.%s", info.test_suite_name(),
			      info.name());
		::alarm(testTimeoutS);
	}
	void OnTestEnd(const ::testing::TestInfo &) override { ::alarm(0); }
};

} /* namespace */

void extendTestTimeout(unsigned seconds)
{
	::alarm(seconds);
}

} /* namespace primecam::test */

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	if (const char *limit = std::getenv("PRIMECAM_TEST_TIMEOUT_S"))
		primecam::test::testTimeoutS =
			static_cast<unsigned>(std::strtoul(limit, nullptr, 10));
	std::signal(SIGALRM, primecam::test::onTestTimeout);
	::testing::UnitTest::GetInstance()->listeners().Append(new primecam::test::TestWatchdog);
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
	/* Every test's objects are gone; the libraries they loaded are not. */
	primecam::checkLeaksNow();
	return ret;
}
