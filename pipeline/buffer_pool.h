/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/dma_buf.h"
#include "base/pixel_format.h"
#include "base/result.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/buffer_slots.h"

namespace primecam {

/*
 * A fixed set of dma-bufs that a producer other than the camera fills: a
 * converting stage's outputs, the libv4l2 source's copies. Every buffer is
 * allocated at configure time with one layout, so sinks import each once;
 * acquire() hands out a free one as a FrameRef and the buffer is free again
 * when its last holder lets go. Nothing is allocated after create().
 */
class BufferPool
{
public:
	/*
	 * count buffers of format at width x height, one dma-buf per buffer
	 * with the colour planes one after the other. Lines are padded to
	 * strideAlign bytes: scanout engines fetch lines in bursts and many
	 * require 64- or 256-byte aligned pitches.
	 */
	static Result<std::unique_ptr<BufferPool>>
	create(const BufferAllocator &allocator, const PixelFormatInfo &format, uint32_t width,
	       uint32_t height, uint32_t count, uint32_t strideAlign = 256);
	~BufferPool() = default;

	BufferPool(const BufferPool &) = delete;
	BufferPool &operator=(const BufferPool &) = delete;

	/* A free buffer carrying metadata, or an empty FrameRef when every
	 * buffer is still held downstream. */
	FrameRef acquire(const FrameMetadata &metadata);

	std::span<const FrameBuffer> buffers() const { return slots_.buffers(); }
	uint32_t freeCount() const;
	/* "4 x XRGB8888 640x480 in dumb buffers on /dev/dri/card0 (vkms)" */
	std::string describe() const;
	const std::string &allocatorName() const { return allocatorName_; }

private:
	BufferPool() = default;

	std::string allocatorName_;
	std::vector<DmaBuf> memory_;
	std::vector<bool> free_;
	BufferSlots slots_;
};

} /* namespace primecam */
