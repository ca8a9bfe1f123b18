/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "base/cpu_access.h"
#include "base/result.h"
#include "pipeline/frame.h"
#include "pipeline/stats.h"

namespace primecam {

class BufferPool;
class StageLink;

/*
 * What one stage did to one frame, filled on the worker thread and published
 * into StageStats on the loop thread (so the stats are never written from
 * two threads).
 */
struct StageWork {
	uint32_t syncStarts = 0;
	uint32_t syncEnds = 0;
	int64_t cpuNs = 0;
	/* analysis stages */
	bool hasLuma = false;
	double meanLuma = 0;
	std::array<uint64_t, LumaSummary::kBins> histogram = {};
};

/*
 * A CPU step between the source and the sinks. Every CPU touch of a frame's
 * dma-bufs is bracketed by DMA_BUF_IOCTL_SYNC (CpuAccess) with the narrowest
 * direction: READ to analyse, READ_WRITE in place, WRITE for a new buffer.
 *
 *  - Analysis stages read the frame and pass it on unchanged.
 *  - In-place stages change the pixels of the buffer they were given.
 *  - Converting stages write a new buffer from their own pool, in a format
 *    the sinks import; the frame continues in that buffer.
 *
 * configure() runs on the loop thread before streaming; process() runs on
 * the stage worker thread, one frame at a time, and must not allocate, map
 * or import: all of that happens in configure().
 *
 * A device stage (a V4L2 mem2mem converter) does its work in hardware: it is
 * driven on the event loop through link(), and process() is not called.
 */
class Stage
{
public:
	enum class Kind {
		Analysis,
		InPlace,
		Converting,
		Device
	};

	virtual ~Stage() = default;

	/* "invert", "convert YUYV -> XRGB8888 into dumb buffers on vkms" */
	virtual std::string describe() const = 0;
	virtual Kind kind() const = 0;

	/*
	 * Sees every buffer frames can arrive in and maps each dma-buf once.
	 * Refuses a format it cannot handle, naming it and the ones it can.
	 * A converting stage allocates its output pool here.
	 */
	virtual Result<void> configure(std::span<const FrameBuffer> input) = 0;

	/* Converting stages: the pool their output frames come from (valid
	 * after configure()); nullptr for the others. */
	virtual BufferPool *outputPool() { return nullptr; }

	/* Device stages: how the engine drives it, and the buffers its frames
	 * come out in (valid after configure()). */
	virtual StageLink *link() { return nullptr; }
	virtual std::span<const FrameBuffer> outputBuffers() const { return {}; }

	/*
	 * One frame, on the worker thread. out is the output buffer of a
	 * converting stage, nullptr otherwise. Returns 0 or -errno; a device
	 * stage, which the engine never asks, -ENOTSUP.
	 */
	virtual int process(const FrameBuffer &in, const FrameMetadata &metadata,
			    const FrameBuffer *out, StageWork &work);

	/* Replaces DMA_BUF_IOCTL_SYNC, so that tests count and fail the
	 * STARTs and ENDs of a stage without a device (memfd buffers). */
	void setSyncFunction(CpuAccess::SyncFn sync) { sync_ = sync; }

protected:
	CpuAccess::SyncFn sync_ = &CpuAccess::syncIoctl;
};

} /* namespace primecam */
