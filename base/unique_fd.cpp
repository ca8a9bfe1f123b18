/* SPDX-License-Identifier: MIT */
#include "base/unique_fd.h"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace primecam {

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept
{
	if (this != &other)
		reset(other.release());
	return *this;
}

int UniqueFd::release() noexcept
{
	int fd = fd_;
	fd_ = -1;
	return fd;
}

void UniqueFd::reset(int fd) noexcept
{
	if (fd_ >= 0 && fd_ != fd) {
		/*
		 * Never retry close() on EINTR: Linux releases the descriptor
		 * before it can be interrupted, so a retry could close an fd
		 * that another thread has just been given the same number for.
		 */
		::close(fd_);
	}
	fd_ = fd;
}

Result<UniqueFd> UniqueFd::dup() const
{
	int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return Error::fromErrno(errno, "dup of fd " + std::to_string(fd_));
	return UniqueFd(fd);
}

} /* namespace primecam */
