/* SPDX-License-Identifier: MIT */
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "modules/library_environment.h"

namespace primecam {
namespace {

/* The variables the tests touch, restored afterwards: the test process's
 * own environment must not leak into the next test. */
class LibraryEnvironmentTest : public ::testing::Test
{
protected:
	static constexpr const char *kNames[] = {
		"LIBCAMERA_LOG_LEVELS",
		"LIBCAMERA_LOG_NO_COLOR",
		"LTTNG_UST_WITHOUT_BADDR_STATEDUMP",
		"LTTNG_UST_REGISTER_TIMEOUT",
		"EGL_LOG_LEVEL",
		"MESA_SHADER_CACHE_DISABLE",
		"MESA_SHADER_CACHE_DIR",
	};

	void SetUp() override
	{
		for (const char *name : kNames) {
			const char *value = getenv(name);
			saved_.push_back(value ? std::optional<std::string>(value) : std::nullopt);
			unsetenv(name);
		}
	}

	void TearDown() override
	{
		setLibraryLogsVerbose(false);
		for (size_t i = 0; i < saved_.size(); ++i) {
			if (saved_[i])
				setenv(kNames[i], saved_[i]->c_str(), 1);
			else
				unsetenv(kNames[i]);
		}
	}

	static std::string get(const char *name)
	{
		const char *value = getenv(name);
		return value ? value : "(unset)";
	}

	std::vector<std::optional<std::string>> saved_;
};

TEST_F(LibraryEnvironmentTest, LibcameraIsQuietAndSkipsLttngStartUpWork)
{
	prepareLibraryEnvironment("libcamera");
	EXPECT_EQ(get("LIBCAMERA_LOG_LEVELS"), "*:ERROR");
	EXPECT_EQ(get("LIBCAMERA_LOG_NO_COLOR"), "1");
	EXPECT_EQ(get("LTTNG_UST_WITHOUT_BADDR_STATEDUMP"), "1");
	EXPECT_EQ(get("LTTNG_UST_REGISTER_TIMEOUT"), "0");
	/* Mesa's are for the GL modules only. */
	EXPECT_EQ(get("EGL_LOG_LEVEL"), "(unset)");
}

TEST_F(LibraryEnvironmentTest, TheUsersValuesWin)
{
	setenv("LIBCAMERA_LOG_LEVELS", "*:DEBUG", 1);
	setenv("EGL_LOG_LEVEL", "debug", 1);
	setenv("MESA_SHADER_CACHE_DIR", "/var/cache/mesa", 1);
	prepareLibraryEnvironment("libcamera");
	prepareLibraryEnvironment("egl");
	EXPECT_EQ(get("LIBCAMERA_LOG_LEVELS"), "*:DEBUG");
	EXPECT_EQ(get("EGL_LOG_LEVEL"), "debug");
	/* A cache directory of their own: they want the cache. */
	EXPECT_EQ(get("MESA_SHADER_CACHE_DISABLE"), "(unset)");
}

TEST_F(LibraryEnvironmentTest, VerboseLeavesTheLogLevelsAlone)
{
	setLibraryLogsVerbose(true);
	prepareLibraryEnvironment("libcamera");
	prepareLibraryEnvironment("glfw");
	EXPECT_EQ(get("LIBCAMERA_LOG_LEVELS"), "(unset)");
	EXPECT_EQ(get("EGL_LOG_LEVEL"), "(unset)");
	/* Not a log: start-up work primecam does not use, verbose or not. */
	EXPECT_EQ(get("LTTNG_UST_WITHOUT_BADDR_STATEDUMP"), "1");
	EXPECT_EQ(get("MESA_SHADER_CACHE_DISABLE"), "true");
}

TEST_F(LibraryEnvironmentTest, GlModulesAreQuietWithoutAShaderCache)
{
	prepareLibraryEnvironment("egl");
	EXPECT_EQ(get("EGL_LOG_LEVEL"), "fatal");
	EXPECT_EQ(get("MESA_SHADER_CACHE_DISABLE"), "true");
	EXPECT_EQ(get("LIBCAMERA_LOG_LEVELS"), "(unset)");
}

} /* namespace */
} /* namespace primecam */
