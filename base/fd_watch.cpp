/* SPDX-License-Identifier: MIT */
#include "base/fd_watch.h"

#include <cerrno>
#include <utility>

namespace primecam {

FdWatch::FdWatch(FdWatch &&other) noexcept
	: loop_(std::exchange(other.loop_, nullptr)), fd_(std::exchange(other.fd_, -1))
{}

FdWatch &FdWatch::operator=(FdWatch &&other) noexcept
{
	if (this != &other) {
		reset();
		loop_ = std::exchange(other.loop_, nullptr);
		fd_ = std::exchange(other.fd_, -1);
	}
	return *this;
}

int FdWatch::watch(EventLoop &loop, int fd, uint32_t events, EventLoop::FdCallback callback)
{
	reset();
	int ret = loop.addFd(fd, events, std::move(callback));
	if (ret < 0)
		return ret;
	loop_ = &loop;
	fd_ = fd;
	return 0;
}

int FdWatch::modify(uint32_t events)
{
	if (!loop_)
		return -ENOENT;
	return loop_->modifyFd(fd_, events);
}

void FdWatch::reset()
{
	if (!loop_)
		return;
	loop_->removeFd(fd_);
	loop_ = nullptr;
	fd_ = -1;
}

} /* namespace primecam */
