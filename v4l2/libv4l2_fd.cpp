/* SPDX-License-Identifier: MIT */
#include "v4l2/libv4l2_fd.h"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <libv4l2.h>

namespace primecam {

Libv4l2Fd::Libv4l2Fd(Libv4l2Fd &&other) noexcept
	: fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_))
{}

Libv4l2Fd &Libv4l2Fd::operator=(Libv4l2Fd &&other) noexcept
{
	if (this != &other) {
		reset();
		fd_ = std::exchange(other.fd_, -1);
		path_ = std::move(other.path_);
	}
	return *this;
}

Result<Libv4l2Fd> Libv4l2Fd::open(const std::string &path)
{
	int fd = ::v4l2_open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return Error::fromErrno(errno, "v4l2_open of " + path + " (libv4l2)");
	Libv4l2Fd owner;
	owner.fd_ = fd;
	owner.path_ = path;
	return owner;
}

int Libv4l2Fd::ioctl(unsigned long request, void *arg) const
{
	int ret;
	do {
		ret = ::v4l2_ioctl(fd_, request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

void Libv4l2Fd::reset() noexcept
{
	if (fd_ >= 0)
		::v4l2_close(fd_);
	fd_ = -1;
	path_.clear();
}

} /* namespace primecam */
