/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <linux/videodev2.h>

#include "base/dma_buf.h"
#include "base/frame_layout.h"
#include "base/mapping.h"
#include "base/result.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/source.h"
#include "pipeline/source_lifecycle.h"
#include "v4l2/buffer_metadata.h"
#include "v4l2/buffer_queue.h"
#include "v4l2/capture_config.h"
#include "v4l2/format_enum.h"
#include "v4l2/libv4l2_mapping.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * A capture device through libv4l2 (memory = "libv4l2"): for cameras whose
 * native formats the display cannot use (Bayer, MJPEG), libv4lconvert
 * emulates RGB24, BGR24 or YUV420 and converts every frame at DQBUF into
 * memory of its own. That memory is not a dma-buf, so this source is never
 * zero-copy: each frame is copied once more, into a buffer of a fixed pool of
 * dma-bufs from the allocator (dumb buffers on the display's card, or a
 * dma-heap), which is what the sinks import. Every copy is counted
 * (PipelineStats::sourceCopies) and notes() says so at start.
 *
 * The libv4l2 buffer goes back to the device (QBUF) as soon as it is copied;
 * the pool buffer goes back to the free list when its last FrameRef is gone.
 * A frame that finds no free pool buffer (the sinks hold them all) is dropped
 * and counted (PipelineStats::sourceDropped).
 *
 * Everything is opened, mapped and allocated in configure(); streaming is
 * DQBUF, one memcpy inside DMA_BUF_IOCTL_SYNC, and QBUF. The node is a
 * VideoDevice whose calls go through libv4l2 (v4l2/libv4l2_ioctl.h).
 */
class Libv4l2Source : public Source
{
public:
	/* Said once on stderr at start and in describe(). */
	static constexpr std::string_view kCopyNote =
		"libv4l2: format emulation copies every frame into pool buffers — not zero-copy";

	/* The allocator is required: configure() fails without one. */
	Libv4l2Source(CaptureConfig config, std::optional<BufferAllocator> allocator);
	/* REQBUFS(0) and closes everything; every FrameRef must be gone. */
	~Libv4l2Source() override;

	Libv4l2Source(const Libv4l2Source &) = delete;
	Libv4l2Source &operator=(const Libv4l2Source &) = delete;

	/* "vivid (/dev/video0) through libv4l2: BGR888 640x480 converted from
	 * BA81 (SBGGR8) by libv4lconvert, 25 fps, 4 MMAP buffers copied into 4
	 * buffers from dma-heap /dev/dma_heap/system; libv4l2: ..." */
	std::string describe() const override;
	/* As V4l2Source's: `reconnect` and `on_loss`, and the same lookup. */
	std::optional<OnLoss> reconnects() const override { return config_.reconnect; }
	bool deviceAvailable() const override;
	std::vector<std::string> adjustments() const override;
	std::vector<std::string> notes() const override;

	Result<void> configure() override;
	std::span<const FrameBuffer> buffers() const override { return slots_.buffers(); }

	/* The loop and stats must outlive streaming (until stop() or the
	 * destructor). onError is called once, for the first fatal error. */
	Result<void> start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
			   ErrorHandler onError) override;
	void stop() override;

	/* After configure(): the libv4l2 fd (the device's own), the layout
	 * libv4l2 gave for the emulated format, the format the device itself
	 * was set to (what libv4lconvert converts from), the granted rate. */
	int fd() const { return device_ ? device_->fd() : -1; }
	const FrameLayout &layout() const { return layout_; }
	uint32_t deviceFourcc() const { return deviceFourcc_; }
	/* libv4lconvert converts (the device's format is not the one asked
	 * for); otherwise libv4l2 passes the device's frames through, and
	 * they are still copied into the pool. */
	bool isConverting() const { return deviceFourcc_ != emulatedFourcc_; }
	Fraction frameInterval() const { return interval_; }
	bool isStreaming() const { return life_.isStarted(); }

private:
	struct PoolBuffer {
		DmaBuf buffer;
		/* Mapped once at configure: the copy target of every frame. */
		Mapping mapping;
	};

	Result<void> openDevice();
	Result<void> applyFormat();
	Result<void> applyFrameRate();
	Result<void> mapDeviceBuffers();
	Result<void> allocatePool();
	void release();

	Result<void> begin();
	Result<void> queueAllAndStreamOn();
	void halt();
	int queue(uint32_t index);
	void onFdEvents(uint32_t events);
	void drainBuffers(bool pollError);
	void deliver(const BufferState &buf);
	int32_t copyIntoPool(uint32_t deviceIndex);
	void onBufferReturned(uint32_t index);
	/* A streaming call failed: SourceLifecycle::streamError(), with a
	 * STREAMOFF and queueAllAndStreamOn() for EIO. */
	void streamError(int code, std::string_view what);
	std::string deviceName() const;

	CaptureConfig config_;
	std::optional<BufferAllocator> allocator_;

	/* The node, its calls through libv4l2. */
	std::optional<VideoDevice> device_;
	FrameLayout layout_ = {};
	uint32_t emulatedFourcc_ = 0;
	uint32_t deviceFourcc_ = 0;
	Fraction interval_;
	/* After device_: REQBUFS(0) before the node closes. */
	BufferQueue queue_;
	/* One per libv4l2 buffer; declared after device_ so that they are
	 * unmapped before it closes (libv4l2 frees its conversion memory at
	 * close), and after queue_ so that they are unmapped before its
	 * REQBUFS(0) (libv4l2 refuses it while one is mapped). */
	std::vector<Libv4l2Mapping> mappings_;
	std::vector<PoolBuffer> pool_;
	/* Pool buffers no FrameRef holds; capacity reserved at configure, so
	 * pushing a returned buffer never allocates. */
	std::vector<uint32_t> free_;
	BufferSlots slots_;

	/* After device_, so that its fd watch ends before the node closes. */
	SourceLifecycle life_;
	/* Each frame's metadata; says whether the driver's clock was used. */
	DequeuedFrames frames_;
};

} /* namespace primecam */
