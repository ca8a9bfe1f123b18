/* SPDX-License-Identifier: MIT */
#include "base/dma_heap.h"

#include <cerrno>

#include <fcntl.h>
#include <linux/dma-heap.h>
#include <sys/ioctl.h>

namespace primecam {

Result<DmaHeap> DmaHeap::open(std::string_view name)
{
	DmaHeap heap;
	heap.path_ = "/dev/dma_heap/" + std::string(name);
	heap.fd_.reset(::open(heap.path_.c_str(), O_RDONLY | O_CLOEXEC));
	if (!heap.fd_)
		return Error::fromErrno(errno, "opening dma-heap " + heap.path_);
	return heap;
}

Result<DmaBuf> DmaHeap::allocate(size_t size) const
{
	struct dma_heap_allocation_data data = {};
	data.len = size;
	/* RDWR so that the buffer can be mapped for writing (CPU stages). */
	data.fd_flags = O_RDWR | O_CLOEXEC;
	int ret;
	do {
		ret = ::ioctl(fd_.get(), DMA_HEAP_IOCTL_ALLOC, &data);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	if (ret < 0)
		return Error::fromErrno(errno, "allocating " + std::to_string(size) +
						       " bytes from " + path_);
	return DmaBuf::adopt(UniqueFd(static_cast<int>(data.fd)));
}

} /* namespace primecam */
