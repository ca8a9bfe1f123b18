/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

#include "base/dma_buf.h"
#include "base/result.h"
#include "v4l2/video_device.h"

namespace primecam {

/*
 * One buffer queue of a video node, from REQBUFS to REQBUFS(0): a capture
 * node's, or either queue of a mem2mem device (OUTPUT and CAPTURE), single-
 * or multi-planar, V4L2_MEMORY_MMAP (each plane exportable once with
 * VIDIOC_EXPBUF) or V4L2_MEMORY_DMABUF (the dma-bufs given at PREPARE_BUF and
 * QBUF). It knows which buffers the driver holds, so that a DQBUF of a buffer
 * it was not given is caught, and STREAMOFF gives every one back.
 *
 * The node must outlive the queue's buffers: its owner calls release()
 * before closing the node.
 */
class BufferQueue
{
public:
	BufferQueue() = default;
	~BufferQueue() { release(); }
	BufferQueue(const BufferQueue &) = delete;
	BufferQueue &operator=(const BufferQueue &) = delete;

	/* REQBUFS(count) on queue type of device; returns the count granted
	 * (ENOMEM naming the node when it grants none). A queue that had
	 * buffers releases them first. */
	Result<uint32_t> request(VideoDevice &device, uint32_t type, uint32_t count,
				 uint32_t memory);
	/* REQBUFS(0): the driver frees its MMAP buffers (exported dma-bufs
	 * still open keep theirs alive: vb2 orphans them) or drops its DMABUF
	 * imports. A lost device answers ENODEV and has let go already. */
	void release();

	uint32_t type() const { return type_; }
	uint32_t memory() const { return memory_; }
	uint32_t count() const { return static_cast<uint32_t>(queued_.size()); }
	bool isQueued(uint32_t index) const { return queued_[index]; }
	uint32_t queuedCount() const;

	/* VIDIOC_EXPBUF of one plane of an MMAP buffer. */
	Result<DmaBuf> exportPlane(uint32_t index, uint32_t plane);
	/* VIDIOC_QUERYBUF. 0 or -errno. */
	int query(uint32_t index, BufferState &state) const;
	/* VIDIOC_PREPARE_BUF (-ENOTTY: the driver prepares at QBUF). */
	int prepare(uint32_t index, const DmabufPlanes &planes, BufferState &state) const;
	/* VIDIOC_QBUF. 0 or -errno. */
	int queue(uint32_t index, const DmabufPlanes &planes, BufferState &state);
	/* VIDIOC_DQBUF; -EAGAIN when none is done, -EPROTO (with state.index
	 * set) for a buffer the queue did not hold. */
	int dequeue(BufferState &state);
	/* The failure dequeue()'s -EPROTO means, naming the node and buffer. */
	Error notGivenError(uint32_t index) const;
	/* VIDIOC_STREAMON. */
	int streamOn() const;
	/* VIDIOC_STREAMOFF: every queued buffer comes back (vb2 cancels it). */
	void streamOff();

private:
	VideoDevice *device_ = nullptr;
	uint32_t type_ = 0;
	uint32_t memory_ = 0;
	/* REQBUFS(n > 0) succeeded: REQBUFS(0) at release. */
	bool requested_ = false;
	std::vector<bool> queued_;
};

} /* namespace primecam */
