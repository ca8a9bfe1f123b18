/* SPDX-License-Identifier: MIT */
#include "alloc/udmabuf_allocator.h"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include "base/udmabuf.h"
#include "base/unique_fd.h"

namespace primecam {

Result<BufferAllocator> makeUdmabufAllocator()
{
	UniqueFd probe(::open("/dev/udmabuf", O_RDWR | O_CLOEXEC));
	if (!probe)
		return Error::fromErrno(errno, "opening /dev/udmabuf (CONFIG_UDMABUF)");

	BufferAllocator allocator;
	allocator.name = "udmabufs (/dev/udmabuf)";
	allocator.kind = PoolKind::Udmabuf;
	allocator.allocate = [](size_t size) -> Result<DmaBuf> {
		Result<Udmabuf> buf = Udmabuf::allocate(size);
		if (!buf)
			return std::move(buf).error();
		/* The udmabuf holds the pages; the memfd is not needed after. */
		return buf->buffer().dup();
	};
	return allocator;
}

} /* namespace primecam */
