/* SPDX-License-Identifier: MIT */
#pragma once
/* What the CLI tests share: the program under test, a terminal, readers of its files. */

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
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
#include "tests/vm/device/device_test.h"
#include "v4l2/video_device.h"

/*
 * The primecam program end to end, as a user runs it: the built binary on
 * the shipped configs, its exit status, its stderr, its JSON and PNG files.
 */

namespace primecam {
namespace {

using namespace std::chrono_literals;

/* <build>/tests/vm/device-tests -> <build>/src/primecam */
inline std::string primecamBinary()
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return "";
	std::string path(exe, static_cast<size_t>(n));
	for (int i = 0; i < 3; ++i)
		path = path.substr(0, path.rfind('/'));
	return path + "/src/primecam";
}

inline std::string config(const char *name)
{
	return std::string(PRIMECAM_SOURCE_DIR) + "/configs/" + name;
}

/* $PRIMECAM_OUT/cli (the VM's writable share, kept for a look afterwards),
 * else a fresh directory under /tmp. */
inline const std::string &outDir()
{
	static const std::string dir = [] {
		const char *out = getenv("PRIMECAM_OUT");
		if (out && *out) {
			std::string d = std::string(out) + "/cli";
			mkdir(d.c_str(), 0755);
			return d;
		}
		char tmpl[] = "/tmp/primecam-cli-XXXXXX";
		return std::string(mkdtemp(tmpl) ? tmpl : "/tmp");
	}();
	return dir;
}

inline std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

inline bool haveVivid(uint32_t caps)
{
	return !VideoDevice::findByDriver("vivid", caps).empty();
}

inline bool haveVkms()
{
	return Card::openByDriver("vkms").ok();
}

/* A running primecam, its stdout and stderr going to files. */
class Program
{
public:
	/* stderrFd: where the program's stderr goes instead of a file (a
	 * terminal), or -1. */
	Program(const std::string &name, const std::vector<std::string> &args, int stderrFd = -1)
		: out_(outDir() + "/" + name + ".stdout"), err_(outDir() + "/" + name + ".stderr")
	{
		std::vector<std::string> all = {primecamBinary()};
		all.insert(all.end(), args.begin(), args.end());
		std::vector<char *> argv;
		for (std::string &arg : all)
			argv.push_back(arg.data());
		argv.push_back(nullptr);

		pid_ = fork();
		if (pid_ == 0) {
			/* Only async-signal-safe calls between fork and exec. The
			 * child starts with default signal handling whatever this
			 * test process set up: an ignored or blocked SIGINT would
			 * be inherited across exec. */
			sigset_t none;
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, nullptr);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			int in = open("/dev/null", O_RDONLY);
			int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
			int err = stderrFd >= 0
					  ? stderrFd
					  : open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (in < 0 || out < 0 || err < 0)
				_exit(126);
			dup2(in, 0);
			dup2(out, 1);
			dup2(err, 2);
			execv(argv[0], argv.data());
			_exit(127);
		}
	}

	~Program()
	{
		if (pid_ > 0 && !done_) {
			kill(pid_, SIGKILL);
			waitpid(pid_, nullptr, 0);
		}
	}

	bool started() const { return pid_ > 0; }
	/* The caller reaped the program itself. */
	void forget() { done_ = true; }
	pid_t pid() const { return pid_; }

	/* Whether the program still runs (it is not killed; an exit is
	 * reaped and kept for wait()). */
	bool running()
	{
		if (done_)
			return false;
		int status = 0;
		if (waitpid(pid_, &status, WNOHANG) != pid_)
			return true;
		done_ = true;
		exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
		return false;
	}

	/* The exit status; -N for death by signal N; -1000 on timeout (the
	 * program is killed then). */
	int wait(std::chrono::seconds timeout)
	{
		if (exitCode_)
			return *exitCode_;
		auto deadline = std::chrono::steady_clock::now() + timeout;
		for (;;) {
			int status = 0;
			pid_t ret = waitpid(pid_, &status, WNOHANG);
			if (ret == pid_) {
				done_ = true;
				return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
			}
			if (ret < 0)
				return -1000;
			if (std::chrono::steady_clock::now() > deadline) {
				kill(pid_, SIGKILL);
				waitpid(pid_, nullptr, 0);
				done_ = true;
				return -1000;
			}
			std::this_thread::sleep_for(20ms);
		}
	}

	/*
	 * Whether the program blocks signo yet (/proc/PID/status SigBlk):
	 * then it has routed the signal to its event loop. Only once it is
	 * primecam (Name:): between fork and exec the child still has this
	 * test process's mask, which may block the signal too.
	 */
	bool blocks(int signo) const
	{
		std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
		std::string line;
		bool execed = false;
		while (std::getline(status, line)) {
			if (line.rfind("Name:", 0) == 0)
				execed = line.find("primecam") != std::string::npos;
			if (line.rfind("SigBlk:", 0) == 0) {
				unsigned long long mask = strtoull(line.c_str() + 7, nullptr, 16);
				return execed && (mask & (1ull << (signo - 1)));
			}
		}
		return false;
	}

	/* Polls blocks() until it holds; the answer of the poll that saw it,
	 * not of a second read, which can race with the program's start. */
	bool waitUntilBlocks(int signo, std::chrono::seconds timeout) const
	{
		auto deadline = std::chrono::steady_clock::now() + timeout;
		while (std::chrono::steady_clock::now() < deadline) {
			if (blocks(signo))
				return true;
			std::this_thread::sleep_for(20ms);
		}
		return false;
	}

	std::string out() const { return readFile(out_); }
	std::string err() const { return readFile(err_); }

private:
	std::string out_;
	std::string err_;
	pid_t pid_ = -1;
	bool done_ = false;
	std::optional<int> exitCode_;
};

/*
 * A pseudo-terminal for a program's stderr, standing in for the user's:
 * primecam writes its status line there once a second, which tells a test
 * how far a run has got without guessing it from the time.
 */
class Terminal
{
public:
	Terminal()
	{
		master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0)
			return;
		follower_ = open(ptsname(master_), O_RDWR | O_NOCTTY | O_CLOEXEC);
		fcntl(master_, F_SETFL, O_NONBLOCK);
	}
	~Terminal()
	{
		closeFollower();
		if (master_ >= 0)
			close(master_);
	}
	Terminal(const Terminal &) = delete;
	Terminal &operator=(const Terminal &) = delete;

	bool ok() const { return master_ >= 0 && follower_ >= 0; }
	/* The program's end, for Program(); closed here once it has its own. */
	int follower() const { return follower_; }
	void closeFollower()
	{
		if (follower_ >= 0)
			close(follower_);
		follower_ = -1;
	}

	/* Everything the program wrote so far (read without blocking, which
	 * also keeps its writes from blocking). */
	const std::string &text()
	{
		char buf[1024];
		ssize_t n;
		while ((n = read(master_, buf, sizeof(buf))) > 0)
			text_.append(buf, static_cast<size_t>(n));
		return text_;
	}

	/* Waits until the latest status line counts at least one frame after
	 * label ("captured ", "displayed "); false after timeout. */
	bool waitForFrames(const std::string &label, std::chrono::seconds timeout)
	{
		auto deadline = std::chrono::steady_clock::now() + timeout;
		while (std::chrono::steady_clock::now() < deadline) {
			size_t at = text().rfind(label);
			if (at != std::string::npos &&
			    std::strtoull(text_.c_str() + at + label.size(), nullptr, 10) > 0)
				return true;
			std::this_thread::sleep_for(50ms);
		}
		return false;
	}

private:
	int master_ = -1;
	int follower_ = -1;
	std::string text_;
};

/* The demo's config (configs/vivid-vkms.toml) with lines added at the top
 * of one of its tables ("[source]", "[source.controls]"), written to the
 * test's folder as name.toml. */
inline std::string demoWith(const std::string &name, const std::string &table,
			    const std::string &lines)
{
	std::string text = readFile(config("vivid-vkms.toml"));
	size_t at = text.find(table + "\n");
	EXPECT_NE(at, std::string::npos) << "vivid-vkms.toml has no " << table;
	if (at != std::string::npos)
		text.insert(at + table.size() + 1, lines);
	std::string path = outDir() + "/" + name + ".toml";
	std::ofstream(path) << text;
	return path;
}

/* The number after label in the latest status line in text; 0 when none. */
inline uint64_t latestCount(const std::string &text, const std::string &label)
{
	size_t at = text.rfind(label);
	return at == std::string::npos
		       ? 0
		       : std::strtoull(text.c_str() + at + label.size(), nullptr, 10);
}

inline nlohmann::json readJson(const std::string &path)
{
	/* No exceptions from a malformed file: an empty object fails the
	 * field checks with a readable message instead. */
	nlohmann::json doc = nlohmann::json::parse(readFile(path), nullptr, false);
	return doc.is_discarded() ? nlohmann::json::object() : doc;
}

/*
 * Zero-copy, and at least displayedShare of the frames on screen. A display's
 * share is a rate: vkms flips on an hrtimer of the emulated CPUs, which a
 * loaded host starves (92 of 100 seen while two builds ran), so the shares
 * asked for a display are halves; a null sink takes every frame at once.
 */
inline void expectZeroCopyDisplay(const nlohmann::json &stats, uint64_t frames,
				  double displayedShare)
{
	ASSERT_TRUE(stats.contains("captured")) << stats.dump(2);
	EXPECT_FALSE(stats.contains("error")) << stats.dump(2);
	uint64_t captured = stats["captured"].get<uint64_t>();
	EXPECT_GE(captured, frames) << stats.dump(2);
	EXPECT_EQ(stats["copies"], 0) << stats.dump(2);
	EXPECT_GT(stats["duration_s"].get<double>(), 0.0);
	EXPECT_GT(stats["fps"].get<double>(), 0.0);
	ASSERT_EQ(stats["sinks"].size(), 1u) << stats.dump(2);
	const nlohmann::json &sink = stats["sinks"][0];
	EXPECT_GE(sink["displayed"].get<double>(), displayedShare * static_cast<double>(captured))
		<< stats.dump(2);
	EXPECT_EQ(sink["copies"], 0);
	EXPECT_GT(sink["latency_ms"]["count"].get<uint64_t>(), 0u);
	/* The configs stamp frames at the start of exposure: a frame cannot
	 * be shown before it was captured. */
	EXPECT_GT(sink["latency_ms"]["p50"].get<double>(), 0.0) << stats.dump(2);
}

inline std::set<uint32_t> coloursIn(const Image &image, uint32_t x0, uint32_t y0, uint32_t x1,
				    uint32_t y1)
{
	std::set<uint32_t> colours;
	for (uint32_t y = y0; y < y1; ++y) {
		for (uint32_t x = x0; x < x1; ++x) {
			const uint8_t *p = &image.data[y * image.stride + x * 3];
			colours.insert(p[0] << 16 | p[1] << 8 | p[2]);
		}
	}
	return colours;
}

/*
 * vivid's default test pattern, which vimc's sensor draws too: 75% colour
 * bars, left to right white, yellow, cyan, green, magenta, red, blue and
 * black, at 191 of 255 (read back from vkms's writeback of vivid's
 * XRGB8888 in the test VM: docs/demo-snapshot.png).
 */
constexpr std::array<std::array<int, 3>, 8> kBars = {{{191, 191, 191},
						      {191, 191, 0},
						      {0, 191, 191},
						      {0, 191, 0},
						      {191, 0, 191},
						      {191, 0, 0},
						      {0, 0, 191},
						      {0, 0, 0}}};

/*
 * Whether the snapshot shows the eight bars of a width x height frame placed
 * at (x0, y0): every pixel of the middle half of each bar, in the frame's
 * bottom 16 rows (vivid writes its text at the top), within tolerance of the
 * bar's colour, or of its complement when inverted. "" when it does, else
 * the first pixel that does not. A black, stale, shifted, swapped (RGB for
 * BGR) or mis-converted picture fails; any colourful one does not pass.
 */
inline std::string barsMismatch(const Image &image, uint32_t x0, uint32_t y0, uint32_t width,
				uint32_t height, int tolerance, bool inverted = false)
{
	if (x0 + width > image.width || y0 + height > image.height || height < 18)
		return "the frame does not fit the " + std::to_string(image.width) + "x" +
		       std::to_string(image.height) + " snapshot";
	for (uint32_t bar = 0; bar < kBars.size(); ++bar) {
		std::array<int, 3> want = kBars[bar];
		if (inverted)
			for (int &c : want)
				c = 255 - c;
		uint32_t left = x0 + (4 * bar + 1) * width / 32;
		uint32_t right = x0 + (4 * bar + 3) * width / 32;
		for (uint32_t y = y0 + height - 18; y < y0 + height - 2; ++y)
			for (uint32_t x = left; x < right; ++x) {
				const uint8_t *p = &image.data[size_t{y} * image.stride + x * 3];
				if (std::abs(p[0] - want[0]) <= tolerance &&
				    std::abs(p[1] - want[1]) <= tolerance &&
				    std::abs(p[2] - want[2]) <= tolerance)
					continue;
				return "bar " + std::to_string(bar) + " at " + std::to_string(x) +
				       "," + std::to_string(y) + ": " + std::to_string(p[0]) + "/" +
				       std::to_string(p[1]) + "/" + std::to_string(p[2]) +
				       ", expected " + std::to_string(want[0]) + "/" +
				       std::to_string(want[1]) + "/" + std::to_string(want[2]) +
				       " within " + std::to_string(tolerance);
			}
	}
	return "";
}

/* YUV through a conversion (libyuv, a GL shader) and back to RGB: vivid's
 * 8-bit limited-range Y'CbCr of the bars does not round-trip exactly. */
constexpr int kConvertedTolerance = 8;

} /* namespace */
} /* namespace primecam */
