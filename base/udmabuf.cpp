/* SPDX-License-Identifier: MIT */
#include "base/udmabuf.h"

#include <cerrno>

#include <fcntl.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace primecam {

Result<Udmabuf> Udmabuf::allocate(size_t size)
{
	/* udmabuf pins whole pages: the size must be a multiple of the page size. */
	size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
	size = (size + page - 1) / page * page;

	Udmabuf buf;
	buf.memfd_.reset(::memfd_create("primecam-udmabuf", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!buf.memfd_)
		return Error::fromErrno(errno, "memfd_create for udmabuf");
	if (::ftruncate(buf.memfd_.get(), static_cast<off_t>(size)) < 0)
		return Error::fromErrno(errno, "sizing udmabuf memfd to " + std::to_string(size));
	/* The kernel requires F_SEAL_SHRINK (the pages it pins must not go away)
	 * and refuses F_SEAL_WRITE (the buffer is to be written by devices). */
	if (::fcntl(buf.memfd_.get(), F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return Error::fromErrno(errno, "sealing udmabuf memfd");

	UniqueFd dev(::open("/dev/udmabuf", O_RDWR | O_CLOEXEC));
	if (!dev)
		return Error::fromErrno(errno, "opening /dev/udmabuf");

	struct udmabuf_create create = {};
	create.memfd = static_cast<uint32_t>(buf.memfd_.get());
	create.flags = UDMABUF_FLAGS_CLOEXEC;
	create.offset = 0;
	create.size = size;
	int fd = ::ioctl(dev.get(), UDMABUF_CREATE, &create);
	if (fd < 0)
		return Error::fromErrno(errno,
					"UDMABUF_CREATE of " + std::to_string(size) + " bytes");

	Result<DmaBuf> dmabuf = DmaBuf::adopt(UniqueFd(fd));
	if (!dmabuf)
		return std::move(dmabuf).error();
	buf.buffer_ = std::move(*dmabuf);
	return buf;
}

} /* namespace primecam */
