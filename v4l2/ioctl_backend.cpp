/* SPDX-License-Identifier: MIT */
#include "v4l2/ioctl_backend.h"

#include <utility>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace primecam {

namespace {

int plainOpen(const char *path, int flags)
{
	return ::open(path, flags);
}

int plainIoctlCall(int fd, unsigned long request, void *arg)
{
	return ::ioctl(fd, request, arg);
}

int plainClose(int fd)
{
	return ::close(fd);
}

} /* namespace */

const IoctlBackend &plainIoctl()
{
	static const IoctlBackend backend{"ioctl", plainOpen, plainIoctlCall, plainClose};
	return backend;
}

BackendFd::BackendFd(BackendFd &&other) noexcept
	: fd_(std::exchange(other.fd_, -1)), backend_(other.backend_)
{}

BackendFd &BackendFd::operator=(BackendFd &&other) noexcept
{
	if (this != &other) {
		reset();
		fd_ = std::exchange(other.fd_, -1);
		backend_ = other.backend_;
	}
	return *this;
}

void BackendFd::reset() noexcept
{
	if (fd_ >= 0)
		backend_->close(fd_);
	fd_ = -1;
}

} /* namespace primecam */
