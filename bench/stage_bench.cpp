/* SPDX-License-Identifier: MIT */
/*
 * stage-bench: what a CPU stage costs per frame, next to the floor set by
 * memory bandwidth. No devices: malloc'd frames, one thread.
 *
 *   stage-bench [--frames N] [--json FILE]
 *
 * At 640x480, 1920x1080 and 3840x2160 it times
 *   memcpy      an XRGB8888 frame copied (the bandwidth floor of any copy);
 *   invert      InvertStage::process() on an XRGB8888 frame, in place: the
 *               in-place stage primecam ships;
 *   convert     ConvertStage::process() YUYV -> XRGB8888 and convertImage()
 *               YUYV and NV12 -> XRGB8888;
 *   libyuv      the bare libyuv call (YUY2ToARGB, NV12ToARGB) on the same
 *               buffers as the operation before it, so that the stage's own
 *               overhead shows: YUYV on the stage's memfd input and output
 *               buffers, NV12 on plain 64-byte aligned memory (no stage
 *               converts NV12 here);
 *   scale       ScaleStage::process() enlarging an XRGB8888 frame of half
 *               the width and height to the size (vivid's 320x180 for a
 *               640x360 mode), and the bare ARGBScale shrinking the size's
 *               frame to 2/5 with bilinear filtering (the stage's) and with
 *               box (the filter it does not use: it reads every source
 *               pixel when shrinking).
 * The stages run on memfd-backed buffers, mapped once as in a pipeline. A
 * memfd has no DMA_BUF_IOCTL_SYNC, so the stages' sync is a no-op here: on
 * a dma-buf it adds two ioctls per buffer per frame (and, on non-coherent
 * hardware, the cache maintenance they exist for), which the VM's stats
 * count and bench/run.sh measures end to end.
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
#include <sys/mman.h>
#include <unistd.h>

#include "base/dma_buf.h"
#include "base/mapping.h"
#include "base/pixel_format.h"
#include "pipeline/stages/convert_stage.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/invert_stage.h"
#include "pipeline/stages/scale_stage.h"

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

struct Sample {
	std::string size;
	std::string name;
	int64_t medianNs;
	int64_t minNs;
};

Sample measure(const std::string &size, const std::string &name, unsigned frames,
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

/* A single-plane frame in a memfd, which stages map like a dma-buf; the
 * bare calls use the same memory through `map`. */
struct MemfdFrame {
	DmaBuf memory;
	Mapping map;
	FrameBuffer buffer;

	MemfdFrame(const PixelFormatInfo &format, uint32_t width, uint32_t height)
	{
		uint32_t stride = format.minLineBytes(0, width);
		size_t size = size_t{stride} * height;
		UniqueFd fd(memfd_create("stage-bench", MFD_CLOEXEC));
		if (!fd || ftruncate(fd.get(), static_cast<off_t>(size)) < 0) {
			std::perror("stage-bench: memfd");
			std::exit(1);
		}
		memory = std::move(DmaBuf::adopt(std::move(fd))).value();
		map = std::move(Mapping::map(memory.fd(), size, Mapping::ReadWrite)).value();
		uint32_t state = 0x9e3779b9;
		for (uint8_t &byte : map.data()) {
			state = state * 1664525 + 1013904223;
			byte = static_cast<uint8_t>(state >> 24);
		}
		buffer.format = &format;
		buffer.width = width;
		buffer.height = height;
		buffer.numPlanes = 1;
		buffer.planes[0] = {memory.fd(), memory.id(), 0, stride, 0};
		buffer.numMemoryPlanes = 1;
		buffer.memory[0] = &memory;
	}
};

BufferAllocator memfdAllocator()
{
	BufferAllocator allocator;
	allocator.name = "memfds";
	allocator.allocate = [](size_t size) -> primecam::Result<DmaBuf> {
		UniqueFd fd(memfd_create("stage-bench-out", MFD_CLOEXEC));
		if (!fd || ftruncate(fd.get(), static_cast<off_t>(size)) < 0)
			return Error::fromErrno(errno, "memfd");
		return DmaBuf::adopt(std::move(fd));
	};
	return allocator;
}

int noSync(int, uint64_t)
{
	return 0;
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

	std::vector<Sample> results;
	volatile unsigned checksum = 0;
	for (const auto &size : sizes) {
		uint32_t w = size.width, h = size.height;
		uint32_t rgbStride = w * 4, yuyvStride = w * 2;
		size_t rgbBytes = size_t{rgbStride} * h;
		Buffer rgbSrc = allocate(rgbBytes), rgbDst = allocate(rgbBytes);
		Buffer nv12Buf = allocate(size_t{w} * h + size_t{w} * ((h + 1) / 2));

		ImageView dst;
		dst.format = xrgb;
		dst.width = w;
		dst.height = h;
		dst.planes[0] = {rgbDst.get(), rgbStride};

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

		/* The shipped stages, on buffers mapped once at configure. */
		MemfdFrame rgbFrame(*xrgb, w, h), yuyvFrame(*yuyv, w, h);
		InvertStage invert;
		invert.setSyncFunction(&noSync);
		ConvertStage convert(*xrgb, YuvEncodingChoice{}, memfdAllocator(), 1);
		convert.setSyncFunction(&noSync);
		if (!invert.configure({&rgbFrame.buffer, 1}) ||
		    !convert.configure({&yuyvFrame.buffer, 1})) {
			std::fprintf(stderr, "stage-bench: configuring the stages failed\n");
			return 1;
		}
		const FrameBuffer &convertOut = convert.outputPool()->buffers()[0];
		/* The bare YUYV calls read the stage's input and write its
		 * output buffer, mapped once more. */
		Result<Mapping> outMap =
			Mapping::map(convertOut.memory[0]->fd(),
				     size_t{convertOut.planes[0].stride} * h, Mapping::ReadWrite);
		if (!outMap) {
			std::fprintf(stderr, "stage-bench: %s\n", outMap.error().message.c_str());
			return 1;
		}
		uint8_t *yuyvIn = yuyvFrame.map.data().data();
		uint8_t *rgbOut = outMap->data().data();
		ImageView yuyvView;
		yuyvView.format = yuyv;
		yuyvView.width = w;
		yuyvView.height = h;
		yuyvView.planes[0] = {yuyvIn, yuyvStride};
		ImageView yuyvDst = dst;
		yuyvDst.planes[0] = {rgbOut, convertOut.planes[0].stride};
		StageWork work;
		results.push_back(measure(size.name, "InvertStage XRGB8888", frames, [&] {
			failed |= invert.process(rgbFrame.buffer, {}, nullptr, work);
		}));
		results.push_back(measure(size.name, "ConvertStage YUYV->XRGB8888", frames, [&] {
			failed |= convert.process(yuyvFrame.buffer, {}, &convertOut, work);
		}));
		results.push_back(measure(size.name, "convertImage YUYV->XRGB8888", frames,
					  [&] { failed |= convertImage(yuyvView, yuyvDst); }));
		results.push_back(measure(size.name, "libyuv YUY2ToARGB", frames, [&] {
			failed |= libyuv::YUY2ToARGB(yuyvIn, static_cast<int>(yuyvStride), rgbOut,
						     static_cast<int>(convertOut.planes[0].stride),
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

		MemfdFrame halfFrame(*xrgb, w / 2, h / 2);
		ScaleStage scale(w, h, nullptr, YuvEncodingChoice{}, memfdAllocator(), 1);
		scale.setSyncFunction(&noSync);
		if (!scale.configure({&halfFrame.buffer, 1})) {
			std::fprintf(stderr, "stage-bench: configuring the scale stage failed\n");
			return 1;
		}
		const FrameBuffer &scaleOut = scale.outputPool()->buffers()[0];
		results.push_back(measure(size.name, "ScaleStage XRGB8888 x2 up", frames, [&] {
			failed |= scale.process(halfFrame.buffer, {}, &scaleOut, work);
		}));
		const int smallW = static_cast<int>(w * 2 / 5),
			  smallH = static_cast<int>(h * 2 / 5);
		for (auto [name, filter] :
		     {std::pair{"libyuv ARGBScale 2/5 bilinear", libyuv::kFilterBilinear},
		      std::pair{"libyuv ARGBScale 2/5 box", libyuv::kFilterBox}}) {
			results.push_back(measure(size.name, name, frames, [&, filter = filter] {
				failed |= libyuv::ARGBScale(
					rgbSrc.get(), static_cast<int>(rgbStride),
					static_cast<int>(w), static_cast<int>(h), rgbDst.get(),
					smallW * 4, smallW, smallH, filter);
			}));
		}
		if (failed) {
			std::fprintf(stderr, "stage-bench: a conversion failed at %s\n", size.name);
			return 1;
		}
		/* The result is read, so that no compiler may drop the work above. */
		checksum = checksum + rgbDst.get()[rgbBytes / 2];
	}

	std::printf("%-10s  %-30s  %12s  %12s  %9s\n", "size", "operation", "median us", "min us",
		    "x memcpy");
	for (const Sample &r : results) {
		const Sample &floor = *std::find_if(results.begin(), results.end(), [&](auto &c) {
			return c.size == r.size && c.name == "memcpy XRGB8888";
		});
		std::printf("%-10s  %-30s  %12.1f  %12.1f  %9.2f\n", r.size.c_str(), r.name.c_str(),
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
			const Sample &r = results[i];
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
