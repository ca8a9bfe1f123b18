/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/event_loop.h"
#include "base/fd_watch.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * Entries appearing in a directory, watched on an EventLoop with inotify:
 * how a device node coming back into /dev is noticed, whether devtmpfs
 * creates it (no udev: an embedded board, the test VM) or udev adjusts it
 * afterwards (IN_ATTRIB for its mode and owner). Only "something changed":
 * the owner looks for what it wants itself. Move-only; the fd watch ends
 * before the inotify fd closes.
 */
class DirectoryWatch
{
public:
	using ChangeFn = std::function<void()>;

	static Result<DirectoryWatch> create(EventLoop &loop, const std::string &dir,
					     ChangeFn onChange);

	DirectoryWatch() = default;
	DirectoryWatch(DirectoryWatch &&) noexcept = default;
	/* The old watch ends before the old fd closes. */
	DirectoryWatch &operator=(DirectoryWatch &&other) noexcept
	{
		if (this != &other) {
			watch_.reset();
			fd_ = std::move(other.fd_);
			onChange_ = std::move(other.onChange_);
			watch_ = std::move(other.watch_);
		}
		return *this;
	}

	bool isActive() const { return watch_.isActive(); }

private:
	UniqueFd fd_;
	/* Heap-held so that the loop's callback survives a move. */
	std::unique_ptr<ChangeFn> onChange_;
	/* After fd_: the watch ends before the fd closes. */
	FdWatch watch_;
};

} /* namespace primecam */
