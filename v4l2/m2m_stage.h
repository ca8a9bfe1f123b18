/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/dma_buf.h"
#include "base/fd_watch.h"
#include "base/frame_layout.h"
#include "base/result.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/import_index.h"
#include "pipeline/stage.h"
#include "pipeline/stage_link.h"
#include "v4l2/buffer_queue.h"
#include "v4l2/m2m_config.h"
#include "v4l2/m2m_node.h"

namespace primecam {

/*
 * A V4L2 mem2mem device (a converter or scaler: Samsung's FIMC/GScaler,
 * Rockchip's RGA, i.MX's PXP, vim2m) as a stage: the hardware converts, no
 * CPU touches a pixel.
 *
 *  - OUTPUT queue (what the device reads): V4L2_MEMORY_DMABUF, one buffer
 *    per upstream buffer, each imported once at configure (PREPARE_BUF) and
 *    found again for every frame by its identity (ImportIndex). The
 *    upstream frame is held until the device gives its buffer back.
 *  - CAPTURE queue (what it writes): MMAP, each plane exported once with
 *    VIDIOC_EXPBUF; its buffers flow on as frames with the layout the device
 *    reports, and go back to the device when their last holder let go.
 *
 * Driven by the event loop (the node's fd: EPOLLIN for a written frame,
 * EPOLLOUT for a read one), no thread. At most kInFlight frames are with the
 * device; a newer frame waits in one slot, replacing an older waiting one
 * (counted as dropped behind): a slow device costs frames, never capture.
 */
class M2mStage : public Stage, public StageLink
{
public:
	static constexpr uint32_t kInFlight = 2;

	explicit M2mStage(M2mConfig config);
	/* Stops, frees both queues and closes the node; every FrameRef on
	 * its output must be gone. */
	~M2mStage() override;

	M2mStage(const M2mStage &) = delete;
	M2mStage &operator=(const M2mStage &) = delete;

	/* "m2m vim2m (/dev/video0) RGB3 320x180 -> RGBP 640x480, single-planar,
	 * 4 MMAP buffers exported with VIDIOC_EXPBUF" */
	std::string describe() const override;
	Kind kind() const override { return Kind::Device; }
	/* Opens the node, checks and sets both formats (refusing, with what
	 * the device offers, a format or size it does not take), imports
	 * every input buffer and allocates and exports the CAPTURE buffers. */
	Result<void> configure(std::span<const FrameBuffer> input) override;
	StageLink *link() override { return this; }
	std::span<const FrameBuffer> outputBuffers() const override { return slots_.buffers(); }

	Result<void> start(EventLoop &loop, PipelineStats &stats, size_t firstStage,
			   DeliverFn deliver, ErrorFn onError) override;
	void submit(FrameRef frame) override;
	void stop() override;

	/* After configure(): the node, the layout of what it writes. */
	const M2mNode *node() const { return node_ ? &*node_ : nullptr; }
	const FrameLayout &layout() const { return layout_; }

private:
	enum class State {
		Idle,
		Streaming,
		Failed
	};
	struct CaptureMemory {
		std::array<DmaBuf, VIDEO_MAX_PLANES> planes;
		std::array<uint32_t, VIDEO_MAX_PLANES> dataOffset = {};
	};
	/* A frame with the device: what its result carries on. */
	struct Job {
		FrameMetadata metadata;
		int64_t queuedNs = 0;
	};

	Result<void> setOutputFormat(const FrameBuffer &in);
	Result<void> setCaptureFormat(uint32_t width, uint32_t height);
	Result<void> importInputs(std::span<const FrameBuffer> input);
	Result<void> allocateCapture();
	void release();

	void queueInput(FrameRef frame);
	int queueCapture(uint32_t index);
	void onCaptureReturned(uint32_t index);
	void onFdEvents(uint32_t events);
	void drainCapture();
	void drainOutput();
	void updateWatch();
	void fail(int code, const std::string &what);

	M2mConfig config_;
	std::optional<M2mNode> node_;
	std::string inputText_; /* "RGB3 320x180" */
	FrameLayout inputLayout_ = {};
	FrameLayout layout_ = {};
	/* After node_: REQBUFS(0) before the node closes. */
	BufferQueue output_;
	BufferQueue capture_;
	ImportIndex imports_;
	/* Per OUTPUT buffer: its QBUF arguments (the upstream dma-bufs),
	 * built once, and the upstream frame the device is reading. */
	std::vector<DmabufPlanes> outputArgs_;
	std::vector<FrameRef> reading_;
	/* Frames with the device, oldest first: a ring sized at configure. */
	std::vector<Job> jobs_;
	size_t jobHead_ = 0;
	size_t jobCount_ = 0;
	FrameRef waiting_;
	/* Sized once: the FrameBuffers point at its DmaBufs. */
	std::vector<CaptureMemory> captureMemory_;
	BufferSlots slots_;

	/* After node_: the watch ends before the node closes. */
	FdWatch watch_;
	EventLoop *loop_ = nullptr;
	StageStats *stats_ = nullptr;
	DeliverFn deliver_;
	ErrorFn onError_;
	State state_ = State::Idle;
};

} /* namespace primecam */
