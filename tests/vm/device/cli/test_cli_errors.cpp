/* SPDX-License-Identifier: MIT */
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/videodev2.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm/card.h"
#include "src/build_config.h"
#include "src/png_file.h"
#include "tests/vm/device/cli/cli_test_helpers.h"
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

/*
 * The primecam program end to end, as a user runs it: the built binary on
 * the shipped configs, its exit status, its stderr, its JSON and PNG files.
 */

namespace primecam {
namespace {

TEST(CliRun, StatusLineOnATerminal)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");

	/* A pseudo-terminal stands in for the user's. */
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_GE(master, 0);
	ASSERT_EQ(grantpt(master), 0);
	ASSERT_EQ(unlockpt(master), 0);
	int terminal = open(ptsname(master), O_RDWR | O_NOCTTY);
	ASSERT_GE(terminal, 0);
	/* 5 s of streaming: at one line a second, two lines leave 3 s for a
	 * loaded emulated host to be late (the status timer and the
	 * duration run on the same clock, but the process can be starved). */
	Program run("status", {"run", config("vivid-null.toml"), "--duration", "5"}, terminal);
	close(terminal);
	ASSERT_TRUE(run.started());
	/* Drain the terminal while it runs, so that its writes never block. */
	std::string text;
	int status = -1000;
	auto deadline = std::chrono::steady_clock::now() + 120s;
	fcntl(master, F_SETFL, O_NONBLOCK);
	for (;;) {
		char buf[1024];
		ssize_t n;
		while ((n = read(master, buf, sizeof(buf))) > 0)
			text.append(buf, static_cast<size_t>(n));
		int result = 0;
		if (waitpid(run.pid(), &result, WNOHANG) == run.pid()) {
			status = WIFEXITED(result) ? WEXITSTATUS(result) : -WTERMSIG(result);
			run.forget();
			break;
		}
		ASSERT_LT(std::chrono::steady_clock::now(), deadline) << text;
		std::this_thread::sleep_for(50ms);
	}
	char buf[1024];
	ssize_t n;
	while ((n = read(master, buf, sizeof(buf))) > 0)
		text.append(buf, static_cast<size_t>(n));
	close(master);

	EXPECT_EQ(status, 0) << text;
	/* Rewritten in place once a second: at least two lines, each
	 * "\r...\x1b[K", and a newline at the end. */
	size_t lines = 0;
	for (size_t pos = 0; (pos = text.find("\r", pos)) != std::string::npos; ++pos)
		lines += text.compare(pos, 2, "\r\n") != 0;
	EXPECT_GE(lines, 2u) << text;
	EXPECT_NE(text.find(" fps  captured "), std::string::npos) << text;
	EXPECT_NE(text.find("  displayed "), std::string::npos) << text;
	EXPECT_NE(text.find(" ms p99 "), std::string::npos) << text;
	EXPECT_NE(text.find("\x1b[K"), std::string::npos) << text;
	EXPECT_EQ(text.substr(text.size() >= 2 ? text.size() - 2 : 0), "\r\n") << text;
}

/* No device needed: the config is refused before any is opened. */
TEST(CliRun, BadConfigFailsNamingFileAndLine)
{
	ASSERT_EQ(access(primecamBinary().c_str(), X_OK), 0) << primecamBinary();
	std::string bad = outDir() + "/bad.toml", stats = outDir() + "/bad.json";
	{
		std::ofstream file(bad);
		file << "[source]\ntype = \"v4l2\"\ndevice = \"vivid\"\nformat = \"XR24\"\n"
			"width = 640\nheight = 480\n\n[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n"
			"plane = \"top\"\n";
	}
	Program run("bad", {"run", bad, "--stats", stats});
	ASSERT_TRUE(run.started());
	EXPECT_EQ(run.wait(60s), 1);
	std::string message = bad + ":11:1: sink[0].plane: expected \"primary\", \"overlay\" or "
				    "a plane id, got \"top\"";
	EXPECT_EQ(run.err(), "primecam: " + message + "\n");

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["error"], message) << doc.dump(2);
	EXPECT_EQ(doc["errno"], EINVAL);
	EXPECT_EQ(doc["captured"], 0);
}

TEST(CliRun, UdmabufPoolsAreRefusedUpFrontWhereTheDriversCannotUseThem)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	/* vivid capturing into udmabufs, to a null sink: vivid's refusal. */
	std::string text = readFile(config("vivid-null.toml"));
	text.insert(text.find("\n[source.controls]"), "\nmemory = \"dmabuf\"\npool = \"udmabuf\"");
	std::string path = outDir() + "/udmabuf-null.toml";
	std::ofstream(path) << text;
	Program capture("udmabuf-null", {"run", path, "--frames", "5"});
	EXPECT_EQ(capture.wait(60s), 1) << capture.err();
	EXPECT_NE(capture.err().find("(vivid): vivid cannot capture into udmabuf buffers "
				     "(VIDIOC_QBUF fails with EFAULT on Linux 6.1)"),
		  std::string::npos)
		<< capture.err();

	/* The same pool for vkms to scan out: vkms's refusal, before any
	 * device is opened. */
	text = readFile(config("vivid-vkms-dmabuf.toml"));
	size_t pool = text.find("pool = \"dumb\"");
	size_t card = text.find("pool_card = ");
	ASSERT_TRUE(pool != std::string::npos && card != std::string::npos);
	text.erase(card, text.find('\n', card) - card);
	text.replace(pool, 13, "pool = \"udmabuf\"");
	path = outDir() + "/udmabuf-vkms.toml";
	std::ofstream(path) << text;
	Program scanout("udmabuf-vkms", {"run", path, "--frames", "5"});
	EXPECT_EQ(scanout.wait(60s), 1) << scanout.err();
	EXPECT_NE(scanout.err().find(path + ": source.pool: vkms cannot scan out udmabuf buffers"),
		  std::string::npos)
		<< scanout.err();
}

TEST(CliRun, MissingConfigAndSnapshotWithoutKmsSinkAreErrors)
{
	ASSERT_EQ(access(primecamBinary().c_str(), X_OK), 0) << primecamBinary();
	Program missing("missing", {"run", outDir() + "/no-such.toml"});
	ASSERT_TRUE(missing.started());
	EXPECT_EQ(missing.wait(60s), 1);
	EXPECT_NE(missing.err().find(outDir() + "/no-such.toml: No such file or directory (ENOENT"),
		  std::string::npos)
		<< missing.err();

	Program snapshot("nokms",
			 {"run", config("vivid-null.toml"), "--snapshot", outDir() + "/nokms.png"});
	ASSERT_TRUE(snapshot.started());
	EXPECT_EQ(snapshot.wait(60s), 1);
	EXPECT_NE(snapshot.err().find("has no kms sink to take a writeback snapshot from"),
		  std::string::npos)
		<< snapshot.err();

	Program usage("usage", {"run", config("vivid-null.toml"), "--frames", "0"});
	ASSERT_TRUE(usage.started());
	EXPECT_EQ(usage.wait(60s), 2);
	EXPECT_NE(usage.err().find("--frames"), std::string::npos) << usage.err();
}

TEST(CliList, ListsVividNodesAndTheVkmsCard)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	Program list("list", {"list"});
	ASSERT_TRUE(list.started());
	ASSERT_EQ(list.wait(60s), 0) << list.err();
	std::string out = list.out();
	for (const char *expected :
	     {"vivid", "(vkms)", "Virtual-1", "Writeback-1", "XRGB8888", "(vgem): no display"})
		EXPECT_NE(out.find(expected), std::string::npos) << expected << " missing:\n"
								 << out;
}

} /* namespace */
} /* namespace primecam */
