/* SPDX-License-Identifier: MIT */
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/directory_watch.h"

namespace primecam {
namespace {

/* A fresh directory under the test's temporary one, removed afterwards. */
struct TempDir {
	std::string path;
	TempDir()
	{
		std::string tmpl =
			std::filesystem::temp_directory_path() / "primecam-dirwatch-XXXXXX";
		path = ::mkdtemp(tmpl.data()) ? tmpl : "";
	}
	~TempDir()
	{
		if (!path.empty())
			std::filesystem::remove_all(path);
	}
};

int openFds()
{
	int n = 0;
	for ([[maybe_unused]] const auto &entry :
	     std::filesystem::directory_iterator("/proc/self/fd"))
		++n;
	return n;
}

TEST(DirectoryWatch, ReportsAnEntryCreatedAndAChangedMode)
{
	TempDir dir;
	ASSERT_FALSE(dir.path.empty());
	auto loop = std::move(EventLoop::create()).value();
	int changes = 0;
	auto watch = DirectoryWatch::create(*loop, dir.path, [&] { ++changes; });
	ASSERT_TRUE(watch.ok()) << watch.error().message;
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(changes, 0) << "nothing happened yet";

	/* A node appearing (devtmpfs creates it)... */
	std::ofstream(dir.path + "/video0") << "";
	loop->dispatch(1000);
	EXPECT_GE(changes, 1);
	/* ...and udev changing its mode afterwards. */
	const int before = changes;
	ASSERT_EQ(::chmod((dir.path + "/video0").c_str(), 0660), 0);
	loop->dispatch(1000);
	EXPECT_GT(changes, before);
	/* Every event was read: nothing more to dispatch. */
	const int after = changes;
	loop->dispatch(0);
	EXPECT_EQ(changes, after);
}

TEST(DirectoryWatch, AMissingDirectoryIsAnErrorNamingIt)
{
	auto loop = std::move(EventLoop::create()).value();
	auto watch = DirectoryWatch::create(*loop, "/nonexistent-primecam-dir", [] {});
	ASSERT_FALSE(watch.ok());
	EXPECT_NE(watch.error().message.find("inotify_add_watch(/nonexistent-primecam-dir)"),
		  std::string::npos)
		<< watch.error().message;
}

TEST(DirectoryWatch, MovedAndDestroyedItLeavesNoFdAndNoWatch)
{
	TempDir dir;
	auto loop = std::move(EventLoop::create()).value();
	const int fds = openFds();
	int changes = 0;
	{
		auto created = DirectoryWatch::create(*loop, dir.path, [&] { ++changes; });
		ASSERT_TRUE(created.ok());
		std::optional<DirectoryWatch> held;
		held.emplace(std::move(*created));
		std::ofstream(dir.path + "/a") << "";
		loop->dispatch(1000);
		EXPECT_EQ(changes, 1) << "the moved watch still reports";
		/* Assigned over: the first watch ends before its fd closes. */
		auto second = DirectoryWatch::create(*loop, dir.path, [&] { changes += 10; });
		ASSERT_TRUE(second.ok());
		*held = std::move(*second);
		std::ofstream(dir.path + "/b") << "";
		loop->dispatch(1000);
		EXPECT_EQ(changes, 11);
	}
	EXPECT_EQ(openFds(), fds);
	std::ofstream(dir.path + "/c") << "";
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(changes, 11);
}

} /* namespace */
} /* namespace primecam */
