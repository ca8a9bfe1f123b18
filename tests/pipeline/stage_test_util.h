/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

#include <linux/dma-buf.h>

#include "base/dma_buf.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/frame.h"
#include "tests/base/test_memfd.h"

namespace primecam::test {

/*
 * Records every DMA_BUF_IOCTL_SYNC a stage issues, in place of the ioctl:
 * memfd buffers have no sync, and the tests check the pairing and the
 * direction flags. Static because CpuAccess takes a plain function pointer.
 */
struct SyncLog {
	static std::vector<uint64_t> &calls()
	{
		static std::vector<uint64_t> log;
		return log;
	}
	static int record(int, uint64_t flags)
	{
		calls().push_back(flags);
		return 0;
	}
	static uint64_t starts(uint64_t direction)
	{
		uint64_t n = 0;
		for (uint64_t f : calls())
			n += f == (DMA_BUF_SYNC_START | direction);
		return n;
	}
	static uint64_t ends(uint64_t direction)
	{
		uint64_t n = 0;
		for (uint64_t f : calls())
			n += f == (DMA_BUF_SYNC_END | direction);
		return n;
	}
};

/* memfd-backed "dma-bufs": what pools and stages see, without a device. */
inline BufferAllocator memfdAllocator()
{
	BufferAllocator allocator;
	allocator.name = "memfds";
	allocator.allocate = [](size_t size) { return DmaBuf::adopt(sizedMemfd(size)); };
	return allocator;
}

/* One single-plane buffer of format over a memfd, with the given stride. */
struct MemfdBuffer {
	DmaBuf memory;
	FrameBuffer buffer;

	MemfdBuffer(const PixelFormatInfo &format, uint32_t width, uint32_t height,
		    std::array<uint32_t, 3> strides)
	{
		size_t size = 0;
		buffer.format = &format;
		buffer.width = width;
		buffer.height = height;
		buffer.numPlanes = format.numPlanes;
		for (unsigned p = 0; p < format.numPlanes; ++p) {
			buffer.planes[p].offset = static_cast<uint32_t>(size);
			buffer.planes[p].stride = strides[p];
			size += static_cast<size_t>(strides[p]) * format.planeHeight(p, height);
		}
		Result<DmaBuf> adopted = DmaBuf::adopt(sizedMemfd(size));
		EXPECT_TRUE(adopted);
		memory = std::move(*adopted);
		for (unsigned p = 0; p < format.numPlanes; ++p) {
			buffer.planes[p].fd = memory.fd();
			buffer.planes[p].id = memory.id();
		}
		buffer.numMemoryPlanes = 1;
		buffer.memory[0] = &memory;
	}
	/* Not movable: buffer.memory points at this object's DmaBuf. */
	MemfdBuffer(const MemfdBuffer &) = delete;
	MemfdBuffer &operator=(const MemfdBuffer &) = delete;
};

} /* namespace primecam::test */
