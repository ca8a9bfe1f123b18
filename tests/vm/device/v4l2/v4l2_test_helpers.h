/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alloc/dma_heap_allocator.h"
#include "base/event_loop.h"
#include "base/result.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/engine.h"
#include "pipeline/stats.h"
#include "tests/vm/device/device_util.h"
#include "v4l2/capture_config.h"
#include "v4l2/v4l2_source.h"

namespace primecam::test {

/* The first vivid capture node speaking api (SinglePlanar: vivid instance 0,
 * MultiPlanar: instance 1 in the VM); empty when there is none. */
std::string vividNode(CaptureConfig::Api api);

/* vivid's webcam input at 640x480, 25 fps (after S_FMT vivid drops to 5 fps
 * until S_PARM, which would make every test five times slower). */
CaptureConfig vividConfig(CaptureConfig::Api api, const char *format, uint32_t width = 640,
			  uint32_t height = 480);

/* Dma-bufs from udmabuf (sealed memfds), which vivid cannot capture into. */
Result<BufferAllocator> udmabufAllocator();

/*
 * Configures and starts engine, runs loop until the engine's frame limit or
 * an error ends it, or until timeoutS passes (a failure: returns -ETIMEDOUT),
 * then stops the engine. Returns the loop's exit code.
 */
int runEngine(EventLoop &loop, Engine &engine, uint64_t frames, int timeoutS = 60);

class HoldingSink;

/* A run of a V4l2Source through the Engine into a NullSink and a HoldingSink
 * that keeps every frame for 2 more frames. */
struct StreamRun {
	std::unique_ptr<EventLoop> loop;
	std::unique_ptr<Engine> engine;
	HoldingSink *holder = nullptr;
	V4l2Source *source = nullptr;
	int64_t startNs = 0;
	int code = 0;
};

/*
 * Configures and streams `frames` frames from config, and leaves the engine
 * stopped but alive, so that the buffers can still be inspected. Fatal gtest
 * failures on configure errors (check HasFatalFailure()).
 */
void stream(StreamRun &run, const CaptureConfig &config, uint64_t frames,
	    std::optional<BufferAllocator> allocator = {}, bool nonContiguous = false);

/* Frames in order with increasing sequence and CLOCK_MONOTONIC timestamps
 * close to now, never a buffer delivered while a sink held it, streaming
 * stopped at the end. */
void checkStream(const StreamRun &run, uint64_t frames);

/* A memory plane of fb copied out through a mapping of its dma-buf, inside
 * DMA_BUF_IOCTL_SYNC (as every CPU access must be). */
std::vector<uint8_t> readPlane(const FrameBuffer &fb, unsigned memoryPlane);

/* What runSource() saw. */
struct SourceRun {
	int code = 0; /* the loop's exit code: 0 frame limit, 1 error, -ETIMEDOUT */
	uint64_t frames = 0;
	std::optional<Error> error;
	PipelineStats stats;
	/* The newest frame, kept as a display keeps the frame on screen. */
	FrameRef held;
};

/*
 * Starts source on loop and takes frames until `frames` arrived, the source
 * reported an error, or timeoutS passed. Each frame replaces the held one;
 * onFrameNo(n) runs after frame n (1-based) for tests to act mid-stream.
 * Leaves the source streaming and out.held holding the last frame: the
 * caller chooses the order of stop() and release.
 */
void runSource(EventLoop &loop, V4l2Source &source, uint64_t frames, SourceRun &out,
	       std::function<void(uint64_t)> onFrameNo = {}, int timeoutS = 60);

} /* namespace primecam::test */
