/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/dma_buf.h"
#include "base/frame_layout.h"
#include "base/result.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/source.h"
#include "pipeline/source_lifecycle.h"
#include "v4l2/buffer_metadata.h"
#include "v4l2/buffer_queue.h"
#include "v4l2/capture_config.h"
#include "v4l2/format_enum.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * A V4L2 capture node as a pipeline source, zero-copy both ways:
 *
 *  - Memory::Mmap: the driver allocates (REQBUFS MMAP) and each buffer plane
 *    is exported once as a dma-buf (VIDIOC_EXPBUF) for the sinks to import.
 *  - Memory::Dmabuf: the allocator (dumb buffers on the display card, a
 *    dma-heap) provides the dma-bufs and the driver imports them
 *    (REQBUFS DMABUF, QBUF with the fd): for devices the display cannot
 *    import from, or to make the display's own memory the capture target.
 *
 * Everything is allocated, exported, imported and prepared in configure();
 * streaming is QBUF/DQBUF on the event loop and nothing else. A buffer goes
 * back to the driver (QBUF) only when the last FrameRef on it is gone, so a
 * frame on screen is never overwritten by the camera.
 */
class V4l2Source : public Source
{
public:
	/* allocator is required for config.memory == Dmabuf (configure() fails
	 * without one) and unused otherwise. */
	explicit V4l2Source(CaptureConfig config, std::optional<BufferAllocator> allocator = {});
	/* REQBUFS(0) and closes every fd; every FrameRef must be gone. */
	~V4l2Source() override;

	V4l2Source(const V4l2Source &) = delete;
	V4l2Source &operator=(const V4l2Source &) = delete;

	/*
	 * Multi-planar API: capture into one buffer per colour plane (V4L2
	 * NV12M) rather than the contiguous variant (NV12). CaptureConfig
	 * carries the pixel format row, not the name the user wrote, so whoever
	 * parsed the name says so here; namesNonContiguous() tells.
	 */
	void setNonContiguous(bool nonContiguous) { nonContiguous_ = nonContiguous; }
	/* Whether name is a V4L2 non-contiguous fourcc ("NM12", "YM12"). */
	static bool namesNonContiguous(std::string_view name);

	/* "vivid (/dev/video4) XRGB8888 640x480 single-planar, 25 fps, 4 MMAP
	 * buffers exported with VIDIOC_EXPBUF" */
	std::string describe() const override;
	std::vector<std::string> adjustments() const override;

	std::optional<OnLoss> reconnects() const override { return config_.reconnect; }
	bool deviceAvailable() const override;

	Result<void> configure() override;
	std::span<const FrameBuffer> buffers() const override { return slots_.buffers(); }

	/* Finds and opens the node as configure() would, and nothing more
	 * (no format set, no buffers): for the doctor, which only asks what
	 * the device offers. device() is valid after it. */
	Result<void> probe() { return device_ ? Result<void>() : openDevice(); }
	/* After probe(): whether configure() would get the config's format
	 * and size, asked with VIDIOC_TRY_FMT (nothing changes on the
	 * device), with the refusal configure() would give. On the node's
	 * current input: a config that selects another input is checked at
	 * configure() only. For the doctor, so that it and run agree. */
	Result<void> tryConfiguredFormat() const;

	/* The loop and stats must outlive streaming (until stop() or the
	 * destructor). onError is called once, for the first fatal error;
	 * streaming is then over until the next configure(). */
	Result<void> start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
			   ErrorHandler onError) override;
	void stop() override;

	/* After configure(): the node, the layout the kernel gave, the frame
	 * interval it granted (0/0 when it has none to say). */
	const VideoDevice *device() const { return device_ ? &*device_ : nullptr; }
	const FrameLayout &layout() const { return layout_; }
	Fraction frameInterval() const { return interval_; }
	/* V4L2_MEMORY_MMAP or V4L2_MEMORY_DMABUF. */
	uint32_t memoryType() const { return queue_.memory(); }
	bool isStreaming() const { return life_.isStarted(); }

private:
	struct BufferMemory {
		std::array<DmaBuf, VIDEO_MAX_PLANES> planes;
		/* Where the image starts in each plane (v4l2_plane.data_offset
		 * from PREPARE_BUF): part of the FrameBuffer's plane offsets. */
		std::array<uint32_t, VIDEO_MAX_PLANES> dataOffset = {};
		/* The QBUF arguments of a DMABUF queue, built once. */
		DmabufPlanes qbuf;
	};

	Result<void> openDevice();
	Result<void> applyInput();
	void sourceChanged();
	Result<v4l2_format> applyFormat(uint32_t fourcc);
	Result<void> allocate();
	Result<void> prepare(uint32_t index);
	Result<void> subscribeEvents();
	Result<void> buildFrameBuffers();
	void release();

	Result<void> begin();
	Result<uint32_t> queueFree();
	Result<void> streamOn();
	Result<void> restartStream();
	void halt();
	int queue(uint32_t index);
	Error queueError(uint32_t index, int code, std::string_view ioctlName) const;
	void onFdEvents(uint32_t events);
	bool drainEvents();
	void drainBuffers(bool pollError);
	bool deliver(const BufferState &state);
	void onBufferReturned(uint32_t index);
	/* A streaming ioctl failed: SourceLifecycle::streamError(), with
	 * restartStream() for EIO. */
	void streamError(int code, std::string_view what);

	CaptureConfig config_;
	std::optional<BufferAllocator> allocator_;
	bool nonContiguous_ = false;

	std::optional<VideoDevice> device_;
	FrameLayout layout_ = {};
	Fraction interval_;
	/* After device_: REQBUFS(0) before the node closes. */
	BufferQueue queue_;
	/* Sized once in allocate(): the FrameBuffers point at its DmaBufs. */
	std::vector<BufferMemory> memory_;
	BufferSlots slots_;

	/* After device_, so that its fd watch ends before the node closes. */
	SourceLifecycle life_;
	/* V4L2_EVENT_EOS came: the stream ends when the queue runs dry. */
	bool eosEvent_ = false;
	/* Found after V4L2_EVENT_SOURCE_CHANGE, set by the next configure(). */
	std::optional<v4l2_dv_timings> pendingTimings_;
	/* Restarted with every buffer held by a sink: STREAMON waits for the
	 * first one to come back. */
	bool awaitingBuffer_ = false;
	/* Each frame's metadata; says whether the driver's clock was used. */
	DequeuedFrames frames_;
};

} /* namespace primecam */
