/* SPDX-License-Identifier: MIT */
/*
 * stage-bench: what a CPU stage costs per frame, next to the floor set by
 * memory bandwidth. No devices: malloc'd frames, one thread.
 *
 *   stage-bench [--frames N] [--json FILE]
 *
 * At 640x480, 1920x1080 and 3840x2160 it times
 *   memcpy      an XRGB8888 frame copied (the bandwidth floor of any copy);
 *   xor-invert  the colour bytes of an XRGB8888 frame inverted in place, a
 *               per-pixel loop (what a trivial CPU "effect" stage does);
 *   convert     convertImage() YUYV -> XRGB8888 and NV12 -> XRGB8888;
 *   libyuv      the bare libyuv call (YUY2ToARGB, NV12ToARGB) on the same
 *               buffers, so that convertImage()'s own overhead shows.
 * Each number is the median over N frames of the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID), after one untimed frame that faults the pages in.
 *
 * Past the caches (3840x2160) a conversion can beat memcpy: memcpy reads 4
 * bytes per pixel, YUYV 2 and NV12 1.5, and all write 4. The x memcpy column
 * compares CPU time per frame, not per byte.
 */
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <libyuv.h>

#include "base/pixel_format.h"
#include "pipeline/stages/image_convert.h"

using namespace primecam;

namespace {

int64_t threadCpuNs()
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

struct FreeDeleter {
	void operator()(uint8_t *p) const { std::free(p); }
};
using Buffer = std::unique_ptr<uint8_t, FreeDeleter>;

/* 64-byte aligned, as a dma-buf mapping is page aligned: no SIMD tail penalty. */
Buffer allocate(size_t size)
{
	size_t rounded = (size + 63) / 64 * 64;
	auto *p = static_cast<uint8_t *>(std::aligned_alloc(64, rounded));
	if (!p) {
		std::fprintf(stderr, "stage-bench: out of memory for %zu bytes\n", size);
		std::exit(1);
	}
	/* Deterministic, non-constant bytes: some row functions have fast paths for flat data. */
	uint32_t state = 0x9e3779b9;
	for (size_t i = 0; i < rounded; i++) {
		state = state * 1664525 + 1013904223;
		p[i] = static_cast<uint8_t>(state >> 24);
	}
	return Buffer(p);
}

struct Result {
	std::string size;
	std::string name;
	int64_t medianNs;
	int64_t minNs;
};

Result measure(const std::string &size, const std::string &name, unsigned frames,
	       const std::function<void()> &work)
{
	work(); /* untimed: faults in the pages, warms the caches as a steady stream would */
	std::vector<int64_t> samples;
	samples.reserve(frames);
	for (unsigned i = 0; i < frames; i++) {
		int64_t t0 = threadCpuNs();
		work();
		samples.push_back(threadCpuNs() - t0);
	}
	std::sort(samples.begin(), samples.end());
	return {size, name, samples[samples.size() / 2], samples.front()};
}

/*
 * Inverts R, G and B of every XRGB8888 pixel and leaves X: one load, XOR and
 * store per pixel, line by line as a stage walks a strided buffer.
 */
void xorInvert(uint8_t *data, uint32_t stride, uint32_t width, uint32_t height)
{
	for (uint32_t y = 0; y < height; y++) {
		auto *line = data + size_t{y} * stride;
		for (uint32_t x = 0; x < width; x++) {
			uint32_t pixel;
			std::memcpy(&pixel, line + x * 4, 4);
			pixel ^= 0x00ffffff;
			std::memcpy(line + x * 4, &pixel, 4);
		}
	}
}

int usage()
{
	std::fprintf(stderr, "usage: stage-bench [--frames N] [--json FILE]\n");
	return 2;
}

} /* namespace */

int main(int argc, char **argv)
{
	unsigned frames = 31;
	std::string json;
	for (int i = 1; i < argc; i += 2) {
		std::string key = argv[i];
		if (i + 1 >= argc)
			return usage();
		std::string value = argv[i + 1];
		if (key == "--frames")
			frames = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
		else if (key == "--json")
			json = value;
		else
			return usage();
	}
	if (frames == 0)
		return usage();

	const PixelFormatInfo *xrgb = formatByName("XRGB8888");
	const PixelFormatInfo *yuyv = formatByName("YUYV");
	const PixelFormatInfo *nv12 = formatByName("NV12");

	const struct {
		const char *name;
		uint32_t width, height;
	} sizes[] = {{"640x480", 640, 480}, {"1920x1080", 1920, 1080}, {"3840x2160", 3840, 2160}};

	std::vector<Result> results;
	volatile unsigned checksum = 0;
	for (const auto &size : sizes) {
		uint32_t w = size.width, h = size.height;
		uint32_t rgbStride = w * 4, yuyvStride = w * 2;
		size_t rgbBytes = size_t{rgbStride} * h;
		Buffer rgbSrc = allocate(rgbBytes), rgbDst = allocate(rgbBytes);
		Buffer yuyvBuf = allocate(size_t{yuyvStride} * h);
		Buffer nv12Buf = allocate(size_t{w} * h + size_t{w} * ((h + 1) / 2));

		ImageView dst;
		dst.format = xrgb;
		dst.width = w;
		dst.height = h;
		dst.planes[0] = {rgbDst.get(), rgbStride};

		ImageView yuyvView;
		yuyvView.format = yuyv;
		yuyvView.width = w;
		yuyvView.height = h;
		yuyvView.planes[0] = {yuyvBuf.get(), yuyvStride};

		ImageView nv12View;
		nv12View.format = nv12;
		nv12View.width = w;
		nv12View.height = h;
		nv12View.planes[0] = {nv12Buf.get(), w};
		nv12View.planes[1] = {nv12Buf.get() + size_t{w} * h, w};

		int failed = 0;
		results.push_back(measure(size.name, "memcpy XRGB8888", frames, [&] {
			std::memcpy(rgbDst.get(), rgbSrc.get(), rgbBytes);
		}));
		results.push_back(measure(size.name, "xor-invert XRGB8888", frames,
					  [&] { xorInvert(rgbDst.get(), rgbStride, w, h); }));
		results.push_back(measure(size.name, "convertImage YUYV->XRGB8888", frames,
					  [&] { failed |= convertImage(yuyvView, dst); }));
		results.push_back(measure(size.name, "libyuv YUY2ToARGB", frames, [&] {
			failed |= libyuv::YUY2ToARGB(yuyvBuf.get(), static_cast<int>(yuyvStride),
						     rgbDst.get(), static_cast<int>(rgbStride),
						     static_cast<int>(w), static_cast<int>(h));
		}));
		results.push_back(measure(size.name, "convertImage NV12->XRGB8888", frames,
					  [&] { failed |= convertImage(nv12View, dst); }));
		results.push_back(measure(size.name, "libyuv NV12ToARGB", frames, [&] {
			failed |= libyuv::NV12ToARGB(
				nv12Buf.get(), static_cast<int>(w), nv12Buf.get() + size_t{w} * h,
				static_cast<int>(w), rgbDst.get(), static_cast<int>(rgbStride),
				static_cast<int>(w), static_cast<int>(h));
		}));
		if (failed) {
			std::fprintf(stderr, "stage-bench: a conversion failed at %s\n", size.name);
			return 1;
		}
		/* The result is read, so that no compiler may drop the work above. */
		checksum = checksum + rgbDst.get()[rgbBytes / 2];
	}

	std::printf("%-10s  %-28s  %12s  %12s  %9s\n", "size", "operation", "median us", "min us",
		    "x memcpy");
	for (const Result &r : results) {
		const Result &floor = *std::find_if(results.begin(), results.end(), [&](auto &c) {
			return c.size == r.size && c.name == "memcpy XRGB8888";
		});
		std::printf("%-10s  %-28s  %12.1f  %12.1f  %9.2f\n", r.size.c_str(), r.name.c_str(),
			    double(r.medianNs) / 1000.0, double(r.minNs) / 1000.0,
			    double(r.medianNs) / double(std::max<int64_t>(floor.medianNs, 1)));
	}

	if (!json.empty()) {
		FILE *f = std::fopen(json.c_str(), "w");
		if (!f) {
			std::fprintf(stderr, "stage-bench: %s: %s\n", json.c_str(),
				     std::strerror(errno));
			return 1;
		}
		std::fprintf(f,
			     "{\"frames\": %u, \"clock\": \"CLOCK_THREAD_CPUTIME_ID\", "
			     "\"results\": [\n",
			     frames);
		for (size_t i = 0; i < results.size(); i++) {
			const Result &r = results[i];
			std::fprintf(
				f,
				"  {\"size\": \"%s\", \"operation\": \"%s\", "
				"\"median_ns\": %lld, \"min_ns\": %lld}%s\n",
				r.size.c_str(), r.name.c_str(), static_cast<long long>(r.medianNs),
				static_cast<long long>(r.minNs), i + 1 < results.size() ? "," : "");
		}
		std::fprintf(f, "]}\n");
		if (std::fclose(f) != 0) {
			std::fprintf(stderr, "stage-bench: %s: %s\n", json.c_str(),
				     std::strerror(errno));
			return 1;
		}
	}
	return 0;
}
