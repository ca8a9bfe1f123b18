/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "base/dma_buf.h"
#include "base/pixel_format.h"
#include "base/result.h"
#include "pipeline/import_quirks.h"

namespace primecam {

/*
 * Where a producer gets dma-bufs to fill when it does not allocate them
 * itself (V4L2 DMABUF capture, stage outputs): dumb buffers on the display
 * card, a dma-heap, ... The producer knows how many bytes it needs (the
 * kernel's sizeimage); the allocator knows where memory that the consumers
 * can import comes from. `name` says which, for messages and the doctor.
 */
struct BufferAllocator {
	std::string name;
	std::function<Result<DmaBuf>(size_t size)> allocate;
	/* Which kind of memory, when known: importers that are known to refuse
	 * it (poolRefusal) say so before the first buffer is queued. */
	std::optional<PoolKind> kind;
	/*
	 * The bytes per line the buffers' consumer reads a one-plane format
	 * with, when it reads no other (a V4L2 mem2mem device whose driver sets
	 * bytesperline itself: vim2m reads width x bytes per pixel only, and
	 * vb2 gives it no way to read padded lines); 0 or unset: no such
	 * consumer, and the pool pads lines for scanout.
	 */
	std::function<uint32_t(const PixelFormatInfo &format, uint32_t width, uint32_t height)>
		lineBytes;
};

} /* namespace primecam */
