/* SPDX-License-Identifier: MIT */
#include "base/mapping.h"

#include <cerrno>
#include <string>
#include <utility>

#include <sys/mman.h>

namespace primecam {

Mapping::Mapping(Mapping &&other) noexcept
	: addr_(std::exchange(other.addr_, nullptr)), length_(std::exchange(other.length_, 0))
{}

Mapping &Mapping::operator=(Mapping &&other) noexcept
{
	if (this != &other) {
		reset();
		addr_ = std::exchange(other.addr_, nullptr);
		length_ = std::exchange(other.length_, 0);
	}
	return *this;
}

Result<Mapping> Mapping::map(int fd, size_t length, Access access, off_t offset,
			     std::string_view what)
{
	if (length == 0)
		return Error::fromErrno(EINVAL, "mmap of " + std::string(what) + " with length 0");
	int prot = ((access & Read) ? PROT_READ : 0) | ((access & Write) ? PROT_WRITE : 0);
	void *addr = ::mmap(nullptr, length, prot, MAP_SHARED, fd, offset);
	if (addr == MAP_FAILED)
		return Error::fromErrno(
			errno, "mmap of " + std::string(what) + " (" + std::to_string(length) +
				       " bytes at offset " + std::to_string(offset) + ")");
	return Mapping(addr, length);
}

void Mapping::reset() noexcept
{
	if (addr_)
		::munmap(addr_, length_);
	addr_ = nullptr;
	length_ = 0;
}

} /* namespace primecam */
