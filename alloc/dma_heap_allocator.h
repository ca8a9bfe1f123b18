/* SPDX-License-Identifier: MIT */
#pragma once

#include <string_view>

#include "base/result.h"
#include "pipeline/buffer_allocator.h"

namespace primecam {

/*
 * Buffers from a dma-heap (/dev/dma_heap/NAME) for V4L2 DMABUF capture
 * (pool = "dma-heap" in a config). The heap stays open for as long as any
 * copy of the allocator lives.
 */
Result<BufferAllocator> makeDmaHeapAllocator(std::string_view heap = "system");

} /* namespace primecam */
