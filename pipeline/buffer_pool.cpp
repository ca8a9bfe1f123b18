/* SPDX-License-Identifier: MIT */
#include "pipeline/buffer_pool.h"

#include <cerrno>

namespace primecam {

Result<std::unique_ptr<BufferPool>> BufferPool::create(const BufferAllocator &allocator,
						       const PixelFormatInfo &format,
						       uint32_t width, uint32_t height,
						       uint32_t count, uint32_t strideAlign)
{
	if (!count || !width || !height || !strideAlign)
		return Error::fromErrno(EINVAL, "buffer pool: " + std::to_string(count) + " x " +
							std::to_string(width) + "x" +
							std::to_string(height) + " is empty");

	std::unique_ptr<BufferPool> pool(new BufferPool);
	pool->allocatorName_ = allocator.name;

	/* A consumer that reads one line length only: lines of exactly that
	 * length (rounding up to it gives it). */
	if (format.numPlanes == 1 && allocator.lineBytes) {
		const uint32_t wanted = allocator.lineBytes(format, width, height);
		if (wanted >= format.minLineBytes(0, width))
			strideAlign = wanted;
	}

	FrameBuffer shape;
	shape.format = &format;
	shape.width = width;
	shape.height = height;
	shape.numPlanes = format.numPlanes;
	size_t size = 0;
	for (unsigned p = 0; p < format.numPlanes; ++p) {
		uint32_t line = format.minLineBytes(p, width);
		uint32_t stride = (line + strideAlign - 1) / strideAlign * strideAlign;
		shape.planes[p].offset = static_cast<uint32_t>(size);
		shape.planes[p].stride = stride;
		size += static_cast<size_t>(stride) * format.planeHeight(p, height);
	}

	pool->memory_.reserve(count);
	std::vector<FrameBuffer> buffers;
	for (uint32_t i = 0; i < count; ++i) {
		Result<DmaBuf> buf = allocator.allocate(size);
		if (!buf)
			return Error{buf.error().code, "buffer pool (" + allocator.name +
							       "): buffer " + std::to_string(i) +
							       ": " + buf.error().message};
		pool->memory_.push_back(std::move(*buf));
	}
	/* memory_ is sized now: the FrameBuffers may point into it. */
	for (uint32_t i = 0; i < count; ++i) {
		FrameBuffer fb = shape;
		const DmaBuf &mem = pool->memory_[i];
		for (unsigned p = 0; p < fb.numPlanes; ++p) {
			fb.planes[p].fd = mem.fd();
			fb.planes[p].id = mem.id();
		}
		fb.numMemoryPlanes = 1;
		fb.memory[0] = &mem;
		buffers.push_back(fb);
	}
	pool->free_.assign(count, true);
	BufferPool *self = pool.get();
	pool->slots_.assign(std::move(buffers),
			    [self](uint32_t index) { self->free_[index] = true; });
	return pool;
}

FrameRef BufferPool::acquire(const FrameMetadata &metadata)
{
	for (uint32_t i = 0; i < free_.size(); ++i) {
		if (free_[i]) {
			free_[i] = false;
			return slots_.hold(i, metadata);
		}
	}
	return {};
}

uint32_t BufferPool::freeCount() const
{
	uint32_t n = 0;
	for (bool f : free_)
		n += f;
	return n;
}

std::string BufferPool::describe() const
{
	const FrameBuffer &fb = slots_.buffers().front();
	return std::to_string(slots_.size()) + " x " + std::string(fb.format->name) + " " +
	       std::to_string(fb.width) + "x" + std::to_string(fb.height) + " in " + allocatorName_;
}

} /* namespace primecam */
