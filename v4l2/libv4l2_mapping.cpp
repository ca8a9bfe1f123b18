/* SPDX-License-Identifier: MIT */
#include "v4l2/libv4l2_mapping.h"

#include <cerrno>
#include <string>
#include <utility>

#include <libv4l2.h>
#include <sys/mman.h>

namespace primecam {

Libv4l2Mapping::Libv4l2Mapping(Libv4l2Mapping &&other) noexcept
	: addr_(std::exchange(other.addr_, nullptr)), length_(std::exchange(other.length_, 0))
{}

Libv4l2Mapping &Libv4l2Mapping::operator=(Libv4l2Mapping &&other) noexcept
{
	if (this != &other) {
		reset();
		addr_ = std::exchange(other.addr_, nullptr);
		length_ = std::exchange(other.length_, 0);
	}
	return *this;
}

Result<Libv4l2Mapping> Libv4l2Mapping::map(int fd, size_t length, off_t offset)
{
	if (length == 0)
		return Error::fromErrno(EINVAL, "v4l2_mmap of a libv4l2 buffer with length 0");
	void *addr = ::v4l2_mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, offset);
	if (addr == MAP_FAILED)
		return Error::fromErrno(errno,
					"v4l2_mmap of a libv4l2 buffer (" + std::to_string(length) +
						" bytes at offset " + std::to_string(offset) + ")");
	Libv4l2Mapping mapping;
	mapping.addr_ = addr;
	mapping.length_ = length;
	return mapping;
}

void Libv4l2Mapping::reset() noexcept
{
	if (addr_)
		::v4l2_munmap(addr_, length_);
	addr_ = nullptr;
	length_ = 0;
}

} /* namespace primecam */
