/* SPDX-License-Identifier: MIT */
#pragma once

#include "base/result.h"

namespace primecam {

/*
 * The single owner of a file descriptor. Move-only; closes on destruction.
 * Every kernel object primecam holds through an fd (video node, DRM card,
 * dma-buf, epoll, timerfd, ...) lives in one of these.
 */
class UniqueFd
{
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) noexcept : fd_(fd) {}
	~UniqueFd() { reset(); }

	UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept;
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;

	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }
	explicit operator bool() const { return isValid(); }

	/* Gives up ownership without closing. */
	[[nodiscard]] int release() noexcept;
	/* Closes the current fd (if any) and takes ownership of fd. */
	void reset(int fd = -1) noexcept;

	/* A second owner of the same open file (F_DUPFD_CLOEXEC). */
	Result<UniqueFd> dup() const;

private:
	int fd_ = -1;
};

} /* namespace primecam */
