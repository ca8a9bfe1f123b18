/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

#include "base/event_loop.h"

namespace primecam {

/*
 * One fd watched on an EventLoop for as long as this object lives, like
 * libcamera's EventNotifier: the watch ends in the destructor, so an owner
 * that declares its FdWatch after the fd it watches stops watching before
 * the fd closes (members die in reverse order), and no error path can
 * forget the EventLoop::removeFd() that epoll needs (it registers the open
 * file, not the number). Move-only; the loop must outlive it.
 */
class FdWatch
{
public:
	FdWatch() = default;
	~FdWatch() { reset(); }
	FdWatch(FdWatch &&other) noexcept;
	FdWatch &operator=(FdWatch &&other) noexcept;
	FdWatch(const FdWatch &) = delete;
	FdWatch &operator=(const FdWatch &) = delete;

	/* Watches fd (not owned) on loop, as EventLoop::addFd(): 0 or its
	 * -errno. A watch this object held before ends first. */
	int watch(EventLoop &loop, int fd, uint32_t events, EventLoop::FdCallback callback);
	/* EventLoop::modifyFd() of the watched fd; -ENOENT when none is. */
	int modify(uint32_t events);
	/* Ends the watch; a no-op when there is none. Safe from the fd's own
	 * callback. */
	void reset();

	bool isActive() const { return loop_ != nullptr; }
	int fd() const { return fd_; }

private:
	EventLoop *loop_ = nullptr;
	int fd_ = -1;
};

} /* namespace primecam */
