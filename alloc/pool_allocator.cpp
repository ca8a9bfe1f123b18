/* SPDX-License-Identifier: MIT */
#include "alloc/pool_allocator.h"

#include <cerrno>

#include "alloc/dma_heap_allocator.h"
#include "alloc/dumb_allocator.h"
#include "alloc/udmabuf_allocator.h"

namespace primecam {

Result<BufferAllocator> makePoolAllocator(PoolKind kind, const std::string &card)
{
	switch (kind) {
	case PoolKind::Dumb:
		return makeDumbAllocator(card);
	case PoolKind::DmaHeap:
		return makeDmaHeapAllocator("system");
	case PoolKind::Udmabuf:
		return makeUdmabufAllocator();
	}
	return Error{EINVAL, "unknown pool kind"};
}

} /* namespace primecam */
