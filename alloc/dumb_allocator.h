/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"
#include "pipeline/buffer_allocator.h"

namespace primecam {

/*
 * Dumb buffers on a card (path or driver name), exported as dma-bufs. The
 * card stays open for as long as the allocator lives; each buffer's GEM
 * handle is dropped right after export, the dma-buf keeping the memory.
 */
Result<BufferAllocator> makeDumbAllocator(const std::string &card);

} /* namespace primecam */
