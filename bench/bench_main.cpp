/* SPDX-License-Identifier: MIT */
/*
 * primecam-bench: vivid -> vkms for a number of frames, zero-copy or through
 * a CPU copy, and the CPU time that cost per displayed frame. Run by
 * bench/run.sh inside the test VM, which also counts syscalls with strace
 * and writes the comparison. One mode per process, so that strace -c counts
 * one path only.
 *
 *   primecam-bench --mode zero-copy|copy [--warmup N] [--frames N] [--json FILE]
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

#include "base/event_loop.h"
#include "base/pixel_format.h"
#include "bench/copy_sink.h"
#include "drm/kms_sink.h"
#include "pipeline/engine.h"
#include "v4l2/v4l2_source.h"

using namespace primecam;

namespace {

/*
 * The scheduler's own runtime of this process (user + system), in ns. Not
 * getrusage(): that samples at the tick (4 ms in the test VM), which smears
 * a few hundred microseconds of work per frame into noise.
 */
int64_t cpuTimeNs()
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

int usage()
{
	std::fprintf(stderr, "usage: primecam-bench --mode zero-copy|copy [--warmup N] "
			     "[--frames N] [--json FILE]\n");
	return 2;
}

} /* namespace */

int main(int argc, char **argv)
{
	std::string mode, json;
	uint64_t warmup = 25, frames = 150;
	for (int i = 1; i + 1 < argc; i += 2) {
		std::string key = argv[i], value = argv[i + 1];
		if (key == "--mode")
			mode = value;
		else if (key == "--warmup")
			warmup = std::stoull(value);
		else if (key == "--frames")
			frames = std::stoull(value);
		else if (key == "--json")
			json = value;
		else
			return usage();
	}
	if ((mode != "zero-copy" && mode != "copy") || argc % 2 == 0 || frames == 0)
		return usage();

	/* The demo's configuration: vivid XR24 640x480 at 25 fps, 4 MMAP buffers
	 * exported with EXPBUF, on vkms's primary plane at 640x480. */
	CaptureConfig capture;
	capture.device = "vivid";
	capture.api = CaptureConfig::Api::SinglePlanar;
	capture.format = formatByName("XRGB8888");
	capture.width = 640;
	capture.height = 480;
	capture.fps = 25;
	capture.buffers = 4;
	KmsSinkConfig display;
	display.card = "vkms";
	display.mode = ModeRequest::parse("640x480");

	std::vector<std::unique_ptr<Sink>> sinks;
	if (mode == "copy")
		sinks.push_back(
			std::make_unique<CopySink>(std::make_unique<KmsSink>(display), "vkms"));
	else
		sinks.push_back(std::make_unique<KmsSink>(display));

	auto loop = EventLoop::create();
	if (!loop) {
		std::fprintf(stderr, "primecam-bench: %s\n", loop.error().message.c_str());
		return 1;
	}
	Engine engine(**loop, std::make_unique<V4l2Source>(capture), std::move(sinks));
	Result<void> ret = engine.configure();
	if (ret)
		ret = engine.start();
	if (!ret) {
		std::fprintf(stderr, "primecam-bench: %s\n", ret.error().message.c_str());
		return 1;
	}

	engine.setFrameLimit(warmup);
	(*loop)->run();
	const SinkStats &sink = engine.stats().sinks.front();
	/* Every count below is of the measured frames: the warm-up's are
	 * taken off, so that captured, displayed and copies describe the same
	 * frames. */
	uint64_t displayed0 = sink.displayed, captured0 = engine.stats().captured;
	uint64_t copies0 = engine.stats().copies();
	int64_t cpu0 = cpuTimeNs(), wall0 = monotonicNowNs();

	engine.setFrameLimit(warmup + frames);
	int code = (*loop)->run();
	int64_t cpu = cpuTimeNs() - cpu0, wall = monotonicNowNs() - wall0;
	uint64_t displayed = sink.displayed - displayed0;
	uint64_t captured = engine.stats().captured - captured0;
	uint64_t copies = engine.stats().copies() - copies0;
	engine.stop();
	if (code != 0 || engine.error()) {
		std::fprintf(stderr, "primecam-bench: %s\n",
			     engine.error() ? engine.error()->message.c_str() : "loop failed");
		return 1;
	}

	char text[512];
	std::snprintf(text, sizeof(text),
		      "{\"mode\": \"%s\", \"warmup\": %llu, \"captured\": %llu, "
		      "\"displayed\": %llu, \"copies\": %llu, \"displayed_total\": %llu, "
		      "\"cpu_ns\": %lld, \"wall_ns\": %lld, \"cpu_us_per_displayed\": %.1f}\n",
		      mode.c_str(), static_cast<unsigned long long>(warmup),
		      static_cast<unsigned long long>(captured),
		      static_cast<unsigned long long>(displayed),
		      static_cast<unsigned long long>(copies),
		      static_cast<unsigned long long>(sink.displayed), static_cast<long long>(cpu),
		      static_cast<long long>(wall),
		      displayed ? static_cast<double>(cpu) / 1000.0 / static_cast<double>(displayed)
				: 0.0);
	std::fputs(text, stdout);
	if (!json.empty())
		std::ofstream(json) << text;
	return 0;
}
