/* SPDX-License-Identifier: MIT */
#include "alloc/dma_heap_allocator.h"

#include <memory>

#include "base/dma_heap.h"

namespace primecam {

Result<BufferAllocator> makeDmaHeapAllocator(std::string_view heap)
{
	Result<DmaHeap> opened = DmaHeap::open(heap);
	if (!opened)
		return std::move(opened).error();

	/* shared_ptr: std::function must be copyable, the heap fd is not. */
	auto shared = std::make_shared<DmaHeap>(std::move(opened).value());
	BufferAllocator allocator;
	allocator.name = shared->describe();
	allocator.kind = PoolKind::DmaHeap;
	allocator.allocate = [shared](size_t size) { return shared->allocate(size); };
	return allocator;
}

} /* namespace primecam */
