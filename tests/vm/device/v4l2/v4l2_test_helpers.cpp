/* SPDX-License-Identifier: MIT */
#include "v4l2_test_helpers.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>

#include <dirent.h>
#include <gtest/gtest.h>

#include "base/cpu_access.h"
#include "base/dma_heap.h"
#include "base/mapping.h"
#include "base/pixel_format.h"
#include "base/udmabuf.h"
#include "holding_sink.h"
#include "pipeline/null_sink.h"
#include "pipeline/stats.h"
#include "v4l2/video_device.h"

namespace primecam::test {

std::string vividNode(CaptureConfig::Api api)
{
	uint32_t caps = api == CaptureConfig::Api::MultiPlanar ? V4L2_CAP_VIDEO_CAPTURE_MPLANE
							       : V4L2_CAP_VIDEO_CAPTURE;
	auto nodes = VideoDevice::findByDriver("vivid", caps | V4L2_CAP_STREAMING);
	return nodes.empty() ? std::string() : nodes.front();
}

CaptureConfig vividConfig(CaptureConfig::Api api, const char *format, uint32_t width,
			  uint32_t height)
{
	CaptureConfig config;
	config.device = "vivid";
	config.api = api;
	config.format = formatByName(format);
	config.width = width;
	config.height = height;
	config.fps = 25;
	config.buffers = 4;
	return config;
}

Result<BufferAllocator> udmabufAllocator()
{
	BufferAllocator alloc;
	alloc.name = "udmabuf";
	alloc.allocate = [](size_t size) -> Result<DmaBuf> {
		Result<Udmabuf> buf = Udmabuf::allocate(size);
		if (!buf)
			return std::move(buf).error();
		/* The dma-buf keeps the memfd's pages; the memfd can go. */
		return buf->buffer().dup();
	};
	return alloc;
}

int runEngine(EventLoop &loop, Engine &engine, uint64_t frames, int timeoutS)
{
	engine.setFrameLimit(frames);
	Result<void> ret = engine.start();
	if (!ret) {
		ADD_FAILURE() << "engine start: " << ret.error().message;
		return -EINVAL;
	}
	bool timedOut = false;
	auto timer = loop.addTimer(std::chrono::seconds(timeoutS), std::chrono::seconds(0), [&] {
		timedOut = true;
		loop.exit(-ETIMEDOUT);
	});
	if (!timer) {
		ADD_FAILURE() << timer.error().message;
		engine.stop();
		return -EINVAL;
	}
	int code = loop.run();
	if (!timedOut)
		loop.cancelTimer(*timer);
	engine.stop();
	return code;
}

/*
 * Streams `frames` frames from config through the Engine into a NullSink and
 * a HoldingSink that keeps every frame for 2 more frames, and leaves the
 * engine stopped but alive so that the buffers can still be inspected.
 */
void stream(StreamRun &run, const CaptureConfig &config, uint64_t frames,
	    std::optional<BufferAllocator> allocator, bool nonContiguous)
{
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok()) << loop.error().message;
	run.loop = std::move(*loop);

	auto source = std::make_unique<V4l2Source>(config, std::move(allocator));
	source->setNonContiguous(nonContiguous);
	run.source = source.get();
	auto holder = std::make_unique<HoldingSink>(2);
	run.holder = holder.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::make_unique<NullSink>());
	sinks.push_back(std::move(holder));
	run.engine = std::make_unique<Engine>(*run.loop, std::move(source), std::move(sinks));

	Result<void> ret = run.engine->configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_EQ(run.holder->configuredBuffers(), run.source->buffers().size());
	run.startNs = monotonicNowNs();
	run.code = runEngine(*run.loop, *run.engine, frames);
}

/* Frames in order, on CLOCK_MONOTONIC, never a buffer delivered twice while
 * held, and the source's buffers all back once the sinks let go. */
void checkStream(const StreamRun &run, uint64_t frames)
{
	ASSERT_EQ(run.code, 0) << (run.engine->error()
					   ? run.engine->error()->message
					   : "loop ended with " + std::to_string(run.code));
	const auto &arrivals = run.holder->arrivals();
	/* At least: buffers already done when the frame limit ends the loop
	 * are still delivered from the same DQBUF round. */
	ASSERT_GE(arrivals.size(), frames);
	EXPECT_EQ(run.engine->stats().captured, arrivals.size());
	EXPECT_EQ(run.holder->redelivered(), 0u)
		<< "a buffer came back from the camera while a sink still held it";

	for (size_t i = 0; i < arrivals.size(); ++i) {
		const auto &a = arrivals[i];
		EXPECT_LT(a.index, run.source->buffers().size());
		/*
		 * Close to CLOCK_MONOTONIC now, on either side: vivid stamps
		 * the fill time plus its simulated end-of-frame offset (most
		 * of a frame period), which can be a few tens of ms after the
		 * DQBUF; a wrong clock (REALTIME, or boot time with the
		 * suspend gap) would be off by decades. The bound is loose:
		 * under emulation on a loaded host a DQBUF came 1.26 s late.
		 */
		EXPECT_GE(a.timestampNs, run.startNs) << "frame " << i;
		EXPECT_LT(std::abs(a.arrivedNs - a.timestampNs), 10'000'000'000) << "frame " << i;
		if (i > 0) {
			/*
			 * Never backwards, but not always forwards: vivid
			 * derives the sequence from jiffies since streamon,
			 * and when its thread wakes before the next jiffy
			 * under a lagging emulated clock, two buffers carry
			 * the same number (seen: 15, 15).
			 */
			EXPECT_GE(a.sequence, arrivals[i - 1].sequence) << "frame " << i;
			/* The timestamp is vivid's for that sequence number:
			 * repeated with it, else later. */
			if (a.sequence == arrivals[i - 1].sequence)
				EXPECT_GE(a.timestampNs, arrivals[i - 1].timestampNs)
					<< "frame " << i;
			else
				EXPECT_GT(a.timestampNs, arrivals[i - 1].timestampNs)
					<< "frame " << i;
		}
	}
	EXPECT_FALSE(run.source->isStreaming());
}

/* Reads a mapped plane through DMA_BUF_IOCTL_SYNC, as every CPU access must. */
std::vector<uint8_t> readPlane(const FrameBuffer &fb, unsigned memoryPlane)
{
	const DmaBuf *buf = fb.memory[memoryPlane];
	auto map = Mapping::map(buf->fd(), buf->size(), Mapping::Read, 0, "captured plane");
	EXPECT_TRUE(map.ok()) << map.error().message;
	if (!map)
		return {};
	auto access = CpuAccess::begin(buf->fd(), CpuAccess::Mode::Read);
	EXPECT_TRUE(access.ok()) << access.error().message;
	if (!access)
		return {};
	std::vector<uint8_t> bytes(map->data().begin(), map->data().end());
	EXPECT_EQ(access->end(), 0);
	return bytes;
}

void runSource(EventLoop &loop, V4l2Source &source, uint64_t frames, SourceRun &out,
	       std::function<void(uint64_t)> onFrameNo, int timeoutS)
{
	Result<void> ret = source.start(
		loop, out.stats,
		[&](FrameRef frame) {
			out.held = std::move(frame);
			++out.frames;
			if (onFrameNo)
				onFrameNo(out.frames);
			if (out.frames >= frames)
				loop.exit(0);
		},
		[&](const Error &error) {
			if (!out.error)
				out.error = error;
			loop.exit(1);
		});
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	bool timedOut = false;
	auto timer = loop.addTimer(std::chrono::seconds(timeoutS), std::chrono::seconds(0), [&] {
		timedOut = true;
		loop.exit(-ETIMEDOUT);
	});
	ASSERT_TRUE(timer.ok()) << timer.error().message;
	out.code = loop.run();
	if (!timedOut)
		loop.cancelTimer(*timer);
}

} /* namespace primecam::test */
