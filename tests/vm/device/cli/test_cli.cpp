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
std::string primecamBinary()
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

std::string config(const char *name)
{
	return std::string(PRIMECAM_SOURCE_DIR) + "/configs/" + name;
}

/* $PRIMECAM_OUT/cli (the VM's writable share, kept for a look afterwards),
 * else a fresh directory under /tmp. */
const std::string &outDir()
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

std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

bool haveVivid(uint32_t caps)
{
	return !VideoDevice::findByDriver("vivid", caps).empty();
}

bool haveVkms()
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

	/* The exit status; -N for death by signal N; -1000 on timeout (the
	 * program is killed then). */
	int wait(std::chrono::seconds timeout)
	{
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

nlohmann::json readJson(const std::string &path)
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
void expectZeroCopyDisplay(const nlohmann::json &stats, uint64_t frames, double displayedShare)
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

std::set<uint32_t> coloursIn(const Image &image, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1)
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
std::string barsMismatch(const Image &image, uint32_t x0, uint32_t y0, uint32_t width,
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

TEST(CliRun, DemoShowsEveryFrameWithoutCopiesAndSnapshotsTheScreen)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/demo.json", png = outDir() + "/demo.png";
	unlink(stats.c_str());
	unlink(png.c_str());
	Program run("demo", {"run", config("vivid-vkms.toml"), "--frames", "100", "--stats", stats,
			     "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	EXPECT_NE(run.out().find("100 frames captured"), std::string::npos) << run.out();
	/* stderr is a file here: no status line. */
	EXPECT_EQ(run.err(), "");

	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 100, 0.5);
	EXPECT_EQ(doc["config"], config("vivid-vkms.toml"));
	EXPECT_NE(doc["source"].get<std::string>().find("vivid"), std::string::npos);
	EXPECT_NE(doc["sinks"][0]["name"].get<std::string>().find("vkms"), std::string::npos);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	/* XRGB8888 from vivid to the screen untouched: exactly the bars. */
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, 0), "");
}

#ifdef PRIMECAM_HAVE_EGL
/*
 * configs/vivid-gl-kms.toml: vivid YUYV, which vkms cannot scan out, drawn
 * by GL into vkms's own buffers. --snapshot comes from the writeback of the
 * gl-kms sink's display. Few frames: llvmpipe under emulation draws one in
 * about 100 ms, so most frames are dropped as display_behind, none copied.
 */
TEST(GlKmsCli, ConfigShowsYuyvOnVkmsWithoutCopiesAndSnapshotsTheScreen)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/gl-kms.json", png = outDir() + "/gl-kms.png";
	unlink(stats.c_str());
	unlink(png.c_str());
	Program run("gl-kms", {"run", config("vivid-gl-kms.toml"), "--frames", "30", "--stats",
			       stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["sinks"].size(), 1u) << doc.dump(2);
	const nlohmann::json &sink = doc["sinks"][0];
	EXPECT_NE(sink["name"].get<std::string>().find("gl-kms"), std::string::npos) << doc.dump(2);
	/* shown, not a rate (llvmpipe on a loaded emulated host) */
	EXPECT_GE(sink["displayed"].get<uint64_t>(), 1u) << doc.dump(2);
	EXPECT_EQ(sink["copies"], 0);
	/* capture to the page flip that showed it */
	EXPECT_GT(sink["latency_ms"]["p50"].get<double>(), 0.0) << doc.dump(2);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	/* vivid's colour bars, converted by the GL shader */
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, kConvertedTolerance), "");
}
#endif

TEST(CliRun, OverlayConfigCentresTheFrameOnBlack)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/overlay.json", png = outDir() + "/overlay.png";
	Program run("overlay", {"run", config("vivid-vkms-overlay.toml"), "--frames", "50",
				"--stats", stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	expectZeroCopyDisplay(readJson(stats), 50, 0.5);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	ASSERT_EQ(image->width, 640u);
	ASSERT_EQ(image->height, 480u);
	/* 320x180 at (160, 150): the bars inside, black all around. */
	EXPECT_EQ(barsMismatch(*image, 160, 150, 320, 180, 0), "");
	for (auto [x0, y0, x1, y1] :
	     {std::array<uint32_t, 4>{0, 0, 640, 150}, std::array<uint32_t, 4>{0, 330, 640, 480},
	      std::array<uint32_t, 4>{0, 150, 160, 330},
	      std::array<uint32_t, 4>{480, 150, 640, 330}})
		EXPECT_EQ(coloursIn(*image, x0, y0, x1, y1), std::set<uint32_t>{0})
			<< "around the overlay: " << x0 << "," << y0 << " to " << x1 << "," << y1;
}

TEST(CliRun, MultiplanarConfigRuns)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE_MPLANE),
			     "a vivid multi-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/mplane.json";
	Program run("mplane",
		    {"run", config("vivid-vkms-mplane.toml"), "--frames", "50", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 50, 0.5);
	EXPECT_NE(doc["source"].get<std::string>().find("multi-planar"), std::string::npos)
		<< doc["source"];
}

TEST(CliRun, DmabufConfigCapturesIntoTheDisplaysDumbBuffers)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/dmabuf.json";
	Program run("dmabuf",
		    {"run", config("vivid-vkms-dmabuf.toml"), "--frames", "50", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 50, 0.5);
	EXPECT_NE(doc["source"].get<std::string>().find("DMABUF"), std::string::npos)
		<< doc["source"];
}

TEST(CliRun, ConvertConfigShowsYuyvOnVkmsThroughOneConversion)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/convert.json", png = outDir() + "/convert.png";
	Program run("convert", {"run", config("vivid-yuyv-convert-vkms.toml"), "--frames", "50",
				"--stats", stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	/* The pool it chose is said, not silent. */
	EXPECT_NE(run.err().find("stage[0]: pool \"dumb\" chosen"), std::string::npos) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 1u) << doc.dump(2);
	const nlohmann::json &stage = doc["stages"][0];
	uint64_t processed = stage["processed"].get<uint64_t>();
	EXPECT_GT(processed, 0u);
	EXPECT_EQ(doc["conversions"], processed);
	EXPECT_EQ(stage["sync"]["start"], 2 * processed) << doc.dump(2); /* input + output */
	EXPECT_EQ(stage["sync"]["end"], 2 * processed);
	EXPECT_NE(stage["name"].get<std::string>().find("convert YUYV -> XRGB8888"),
		  std::string::npos)
		<< stage["name"];
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	/* vivid's YUYV bars, converted by libyuv */
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, kConvertedTolerance), "");
}

TEST(CliRun, InvertConfigShowsComplementaryBarsAndLuma)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/invert.json", png = outDir() + "/invert.png";
	Program run("invert", {"run", config("vivid-invert-vkms.toml"), "--frames", "50", "--stats",
			       stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(180s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	EXPECT_EQ(doc["conversions"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 2u) << doc.dump(2);
	for (const nlohmann::json &stage : doc["stages"]) {
		EXPECT_EQ(stage["sync"]["start"], stage["processed"]) << stage.dump(2);
		EXPECT_EQ(stage["sync"]["end"], stage["processed"]) << stage.dump(2);
	}
	const nlohmann::json &luma = doc["stages"][1]["luma"];
	EXPECT_GT(luma["frames"].get<uint64_t>(), 0u) << doc.dump(2);
	uint64_t pixels = 0;
	for (const nlohmann::json &bin : luma["histogram_last"])
		pixels += bin.get<uint64_t>();
	EXPECT_EQ(pixels, 640u * 480u);

	/* The bars, each the bitwise complement of vivid's: the first grey
	 * 64, the last white. */
	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	EXPECT_EQ(barsMismatch(*image, 0, 0, 640, 480, 0, true), "");
}

TEST(CliDoctor, SaysZeroCopyConversionOrImpossibleAndWhy)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	Program zero("doctor-zero", {"doctor", config("vivid-vkms.toml")});
	ASSERT_EQ(zero.wait(60s), 0) << zero.out() << zero.err();
	EXPECT_NE(zero.out().find("scans out XRGB8888 directly"), std::string::npos) << zero.out();
	EXPECT_NE(zero.out().find("verdict: zero-copy"), std::string::npos) << zero.out();

	Program convert("doctor-convert",
			{"run", "--doctor", config("vivid-yuyv-convert-vkms.toml")});
	ASSERT_EQ(convert.wait(60s), 0) << convert.out() << convert.err();
	EXPECT_NE(convert.out().find("stage[0] convert: converts YUYV -> XRGB8888"),
		  std::string::npos)
		<< convert.out();
	EXPECT_NE(convert.out().find("verdict: one CPU conversion"), std::string::npos)
		<< convert.out();

	/* YUYV straight to vkms: refused, with what the plane takes and the fix. */
	std::string text = readFile(config("vivid-yuyv-convert-vkms.toml"));
	size_t stage = text.find("[[stage]]");
	size_t sink = text.find("[[sink]]");
	ASSERT_TRUE(stage != std::string::npos && sink != std::string::npos);
	text.erase(stage, sink - stage);
	std::string path = outDir() + "/yuyv-direct.toml";
	std::ofstream(path) << text;
	Program impossible("doctor-impossible", {"doctor", path});
	EXPECT_EQ(impossible.wait(60s), 1) << impossible.out() << impossible.err();
	EXPECT_NE(impossible.out().find("cannot scan out YUYV; it takes XRGB8888"),
		  std::string::npos)
		<< impossible.out();
	EXPECT_NE(impossible.out().find("add [[stage]] type = \"convert\" format = \"XRGB8888\""),
		  std::string::npos)
		<< impossible.out();
	EXPECT_NE(impossible.out().find("verdict: impossible as configured"), std::string::npos);
}

TEST(CliRun, NullConfigRunsWithoutADisplay)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");

	std::string stats = outDir() + "/null.json";
	Program run("null", {"run", config("vivid-null.toml"), "--frames", "30", "--stats", stats});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(120s), 0) << run.err();
	nlohmann::json doc = readJson(stats);
	expectZeroCopyDisplay(doc, 30, 1.0);
	EXPECT_EQ(doc["sinks"][0]["name"], "null");
}

TEST(CliRun, SigintStopsCleanlyAndStillWritesStats)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE),
			     "a vivid single-planar capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/sigint.json";
	unlink(stats.c_str());
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("sigint", {"run", config("vivid-vkms.toml"), "--stats", stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	/* SIGINT before primecam routed it to its loop would kill it with the
	 * default action: wait for the routing (under emulation, loading the
	 * binary alone can take seconds), then for a frame on screen (its
	 * status line says so), however long configure takes. */
	ASSERT_TRUE(run.waitUntilBlocks(SIGINT, 60s))
		<< "primecam never blocked SIGINT: " << terminal.text();
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();
	ASSERT_EQ(kill(run.pid(), SIGINT), 0);
	ASSERT_EQ(run.wait(60s), 0) << terminal.text();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["interrupted_by"], "SIGINT") << doc.dump(2);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0);
	ASSERT_EQ(doc["sinks"].size(), 1u) << doc.dump(2);
	/* What the status line showed before the signal, the stats keep. */
	EXPECT_GT(doc["captured"].get<uint64_t>(), 0u) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << doc.dump(2);
}

/* A camera pulled mid-run: vivid's Disconnect button unregisters the device
 * under primecam. It must say which device it lost, exit non-zero and still
 * write the stats of what it did display. */
TEST(CliRun, DeviceLossEndsTheRunNamingTheDeviceWithStatsWritten)
{
	std::vector<std::string> nodes = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE);
	PRIMECAM_NEED_DEVICE(!nodes.empty() && haveVkms(), "vivid and vkms");
	/* configs/vivid-vkms.toml names vivid's first single-planar node. */
	const std::string node = nodes.front();

	std::string stats = outDir() + "/disconnect.json";
	unlink(stats.c_str());
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("disconnect", {"run", config("vivid-vkms.toml"), "--stats", stats},
		    terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	/* Pulled once a frame is on screen (the status line says so), so
	 * that the stats have something displayed to keep. */
	ASSERT_TRUE(terminal.waitForFrames("displayed ", 120s))
		<< "nothing displayed in 120 s: " << terminal.text();
	{
		/* Closed at once: vivid comes back only when its last user
		 * has gone. */
		auto control = VideoDevice::open(node);
		ASSERT_TRUE(control.ok()) << control.error().message;
		Result<void> pressed = control->setControl("Disconnect", 1);
		ASSERT_TRUE(pressed.ok()) << pressed.error().message;
	}
	int code = run.wait(60s);
	const std::string &err = terminal.text();
	EXPECT_NE(code, 0) << "a lost camera is a failed run";
	EXPECT_GT(code, 0) << "primecam died of a signal (" << -code << "): " << err;
	EXPECT_NE(err.find(node), std::string::npos) << err;
	EXPECT_NE(err.find("lost"), std::string::npos) << err;

	nlohmann::json doc = readJson(stats);
	ASSERT_TRUE(doc.contains("error")) << doc.dump(2);
	EXPECT_NE(doc["error"].get<std::string>().find(node), std::string::npos) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0);

	/* primecam let go of everything on the device: vivid re-registers. */
	auto deadline = std::chrono::steady_clock::now() + 10s;
	Result<VideoDevice> back = VideoDevice::open(node);
	while (!back && std::chrono::steady_clock::now() < deadline) {
		std::this_thread::sleep_for(100ms);
		back = VideoDevice::open(node);
	}
	EXPECT_TRUE(back.ok()) << node << " did not come back: " << back.error().message;
}

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

#if PRIMECAM_HAVE_LIBCAMERA
/* vimc's platform device: libcamera's vimc pipeline handler drives it. */
bool haveVimc()
{
	struct stat st;
	return stat("/sys/bus/platform/devices/vimc.0", &st) == 0;
}

TEST(CliRun, VimcThroughLibcameraIsConvertedForVkmsAndSnapshotted)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	std::string stats = outDir() + "/vimc.json", png = outDir() + "/vimc.png";
	Program run("vimc", {"run", config("vimc-libcamera-vkms.toml"), "--frames", "30", "--stats",
			     stats, "--snapshot", png});
	ASSERT_TRUE(run.started());
	ASSERT_EQ(run.wait(300s), 0) << run.err();

	nlohmann::json doc = readJson(stats);
	EXPECT_NE(doc["source"].get<std::string>().find("platform/vimc.0 Sensor B"),
		  std::string::npos)
		<< doc.dump(2);
	EXPECT_EQ(doc["captured"], 30) << doc.dump(2);
	EXPECT_EQ(doc["copies"], 0) << doc.dump(2);
	ASSERT_EQ(doc["stages"].size(), 1u) << doc.dump(2);
	const nlohmann::json &stage = doc["stages"][0];
	EXPECT_NE(stage["name"].get<std::string>().find("convert BGR888 -> XRGB8888"),
		  std::string::npos)
		<< stage["name"];
	EXPECT_EQ(doc["conversions"], stage["processed"]) << doc.dump(2);
	EXPECT_GT(doc["sinks"][0]["displayed"].get<uint64_t>(), 0u) << doc.dump(2);

	Result<Image> image = readPng(png);
	ASSERT_TRUE(image) << image.error().message;
	/* vimc's sensor draws the same bars (as Bayer, which its debayer
	 * turns back into RGB; the bars' middles are flat, so exactly),
	 * 636x480 centred. */
	EXPECT_EQ(barsMismatch(*image, 2, 0, 636, 480, 0), "");
}

TEST(CliRun, LibcameraSaysWhatItAdjustedAndStopsCleanlyOnSigint)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");

	std::string path = outDir() + "/vimc-null-640.toml";
	std::ofstream(path) << "[source]\ntype = \"libcamera\"\ncamera = 0\nformat = \"BGR888\"\n"
			       "width = 640\nheight = 480\n\n[[sink]]\ntype = \"null\"\n";
	std::string stats = outDir() + "/vimc-sigint.json";
	unlink(stats.c_str());
	Terminal terminal;
	ASSERT_TRUE(terminal.ok());
	Program run("vimc-sigint", {"run", path, "--stats", stats}, terminal.follower());
	terminal.closeFollower();
	ASSERT_TRUE(run.started());
	ASSERT_TRUE(run.waitUntilBlocks(SIGINT, 60s))
		<< "primecam never blocked SIGINT: " << terminal.text();
	/* Interrupted once frames flow (the status line counts them), not
	 * after a fixed time libcamera's start-up may need all of. */
	ASSERT_TRUE(terminal.waitForFrames("captured ", 120s))
		<< "nothing captured in 120 s: " << terminal.text();
	ASSERT_EQ(kill(run.pid(), SIGINT), 0);
	ASSERT_EQ(run.wait(60s), 0) << terminal.text();
	EXPECT_NE(terminal.text().find("libcamera adjusted 640x480 to 636x480"), std::string::npos)
		<< terminal.text();

	nlohmann::json doc = readJson(stats);
	EXPECT_EQ(doc["interrupted_by"], "SIGINT") << doc.dump(2);
	EXPECT_FALSE(doc.contains("error")) << doc.dump(2);
	EXPECT_GT(doc["captured"].get<uint64_t>(), 0u) << doc.dump(2);
	EXPECT_EQ(doc["sequence_gaps"], 0) << doc.dump(2);

	/* The camera was released: another process can take it at once. */
	Program again("vimc-again", {"run", path, "--frames", "3"});
	EXPECT_EQ(again.wait(120s), 0) << again.err();
}

TEST(CliList, ListsTheVimcCameraThroughLibcamera)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");
	Program list("list-libcamera", {"list"});
	ASSERT_EQ(list.wait(60s), 0) << list.err();
	for (const char *expected : {"libcamera cameras", "0: \"platform/vimc.0 Sensor B\"",
				     "model \"Sensor B\"", "BGR888 48x48-4096x2160", "RGB888"})
		EXPECT_NE(list.out().find(expected), std::string::npos) << expected << " missing:\n"
									<< list.out();
}

TEST(CliDoctor, NamesTheConversionThatGetsVimcOntoVkms)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "the vimc media device");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	Program doctor("doctor-vimc", {"doctor", config("vimc-libcamera-vkms.toml")});
	ASSERT_EQ(doctor.wait(60s), 0) << doctor.out() << doctor.err();
	for (const char *expected :
	     {"source: libcamera \"platform/vimc.0 Sensor B\" (Sensor B) offers BGR888",
	      "libcamera's FrameBuffers",
	      "stage[0] convert: converts BGR888 -> XRGB8888 with libyuv",
	      "scans out XRGB8888 directly", "verdict: one CPU conversion"})
		EXPECT_NE(doctor.out().find(expected), std::string::npos)
			<< expected << " missing:\n"
			<< doctor.out();
}
#endif

/*
 * The libraries' own lines that primecam turns off unless -v: Mesa's
 * ("MESA-LOADER: failed to open vgem", "kmsro: driver missing", the shader
 * cache's "Failed to create ... disabling", "libEGL warning") and
 * libcamera's log ("[0:00:01.2] [42]  INFO Camera ...", coloured on a
 * terminal). The lines that are not primecam's own, in text.
 */
std::vector<std::string> libraryLines(const std::string &text)
{
	std::vector<std::string> found;
	std::istringstream lines(text);
	std::string line;
	while (std::getline(lines, line)) {
		bool library = line.find('\x1b') != std::string::npos || line.rfind("[", 0) == 0;
		for (const char *mark : {"MESA", "kmsro", "shader cache", "shader_cache", "libEGL",
					 "DRI2", "libcamera v0"})
			library = library || line.find(mark) != std::string::npos;
		if (library)
			found.push_back(line);
	}
	return found;
}

std::string joined(const std::vector<std::string> &lines)
{
	std::string text;
	for (const std::string &line : lines)
		text += line + "\n";
	return text;
}

/* Every back end is loaded, libcamera's and Mesa's included (vgem on the
 * card list makes Mesa's loader complain, vkms its kmsro stub), and not a
 * line of theirs comes out. With -v their logs pass: libcamera's INFO line
 * with its version at least. */
TEST(CliQuiet, ListPrintsOnlyPrimecamsLinesUnlessVerbose)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	Program list("list-quiet", {"list"});
	ASSERT_EQ(list.wait(120s), 0) << list.err();
	EXPECT_EQ(joined(libraryLines(list.err())), "");
	EXPECT_EQ(joined(libraryLines(list.out())), "");
	for (const char *loaded :
	     {"libcamera (the libcamera source): loaded",
	      "egl (the gl-headless and gl-kms sinks): loaded", "glfw (the gl-window sink): loaded",
	      "libv4l2 (the libv4l2 source, memory = \"libv4l2\"): loaded"})
		EXPECT_NE(list.out().find(loaded), std::string::npos) << loaded << " missing:\n"
								      << list.out();

	Program verbose("list-verbose", {"-v", "list"});
	ASSERT_EQ(verbose.wait(120s), 0) << verbose.err();
	EXPECT_NE(verbose.err().find("libcamera v0"), std::string::npos) << verbose.err();

	/* A level the user set wins over primecam's quiet default. */
	setenv("LIBCAMERA_LOG_LEVELS", "*:INFO", 1);
	Program user("list-user-level", {"list"});
	unsetenv("LIBCAMERA_LOG_LEVELS");
	ASSERT_EQ(user.wait(120s), 0) << user.err();
	EXPECT_NE(user.err().find("libcamera v0"), std::string::npos) << user.err();
}

/* A run and a doctor on Mesa (gl-kms: GBM on vkms, llvmpipe) and on
 * libcamera (vimc): primecam's lines only. */
TEST(CliQuiet, RunAndDoctorPrintOnlyPrimecamsLines)
{
	PRIMECAM_NEED_DEVICE(haveVivid(V4L2_CAP_VIDEO_CAPTURE), "a vivid capture node");
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	struct Case {
		const char *name;
		std::vector<std::string> args;
	};
	std::vector<Case> cases = {
		{"quiet-gl-kms", {"run", config("vivid-gl-kms.toml"), "--frames", "5"}},
		{"quiet-gl-headless", {"run", config("vivid-gl-headless.toml"), "--frames", "5"}},
		{"quiet-doctor-gl-kms", {"doctor", config("vivid-gl-kms.toml")}},
		{"quiet-vimc", {"run", config("vimc-libcamera-vkms.toml"), "--frames", "5"}},
		{"quiet-doctor-vimc", {"doctor", config("vimc-libcamera-vkms.toml")}},
	};
	for (const Case &c : cases) {
		Program program(c.name, c.args);
		ASSERT_EQ(program.wait(300s), 0) << c.name << ":\n" << program.err();
		EXPECT_EQ(joined(libraryLines(program.err())), "") << c.name;
		EXPECT_EQ(joined(libraryLines(program.out())), "") << c.name;
	}
}

} /* namespace */
} /* namespace primecam */
