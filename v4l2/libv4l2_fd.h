/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"

namespace primecam {

/*
 * The owner of a video node opened through libv4l2 (v4l2_open), closed with
 * v4l2_close: libv4l2 keeps per-fd state (the format it emulates, its
 * conversion buffers) that a plain close() would leak, and it would then
 * intercept calls on whatever file later reuses the number. Move-only.
 *
 * The fd is the device's own: poll()/epoll see the real driver, and a plain
 * ioctl() on it bypasses libv4l2 (which is how the device's native format is
 * read back).
 */
class Libv4l2Fd
{
public:
	Libv4l2Fd() = default;
	~Libv4l2Fd() { reset(); }
	Libv4l2Fd(Libv4l2Fd &&other) noexcept;
	Libv4l2Fd &operator=(Libv4l2Fd &&other) noexcept;
	Libv4l2Fd(const Libv4l2Fd &) = delete;
	Libv4l2Fd &operator=(const Libv4l2Fd &) = delete;

	/* v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC): non-blocking
	 * because DQBUF is driven by the event loop. */
	static Result<Libv4l2Fd> open(const std::string &path);

	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }
	const std::string &path() const { return path_; }

	/* v4l2_ioctl, retried on EINTR: 0 or -errno. libv4l2 converts at
	 * VIDIOC_DQBUF and answers S_FMT/G_FMT with the emulated format. */
	int ioctl(unsigned long request, void *arg) const;

	void reset() noexcept;

private:
	int fd_ = -1;
	std::string path_;
};

} /* namespace primecam */
