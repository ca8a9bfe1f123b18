/* SPDX-License-Identifier: MIT */
#pragma once

namespace primecam {

/*
 * How a video node is opened, asked and closed: the plain system calls, or
 * libv4l2's v4l2_open / v4l2_ioctl / v4l2_close, which keep per-fd state
 * (the format they emulate, their conversion buffers) and convert at
 * VIDIOC_DQBUF. The libv4l2 table lives in the libv4l2 module
 * (v4l2/libv4l2_ioctl.cpp): the program itself never links libv4l2.
 *
 * Each call has the system call's contract: -1 with errno set on failure.
 */
struct IoctlBackend {
	const char *name; /* "ioctl", "libv4l2": for messages */
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long request, void *arg);
	int (*close)(int fd);
};

/* open(2), ioctl(2), close(2). */
const IoctlBackend &plainIoctl();

/*
 * The owner of a video node's fd, closed through the backend that opened it:
 * a libv4l2 fd closed with close() would leak libv4l2's state, and libv4l2
 * would then intercept calls on whatever file later reuses the number.
 * Move-only.
 */
class BackendFd
{
public:
	BackendFd() = default;
	BackendFd(int fd, const IoctlBackend &backend) noexcept : fd_(fd), backend_(&backend) {}
	~BackendFd() { reset(); }
	BackendFd(BackendFd &&other) noexcept;
	BackendFd &operator=(BackendFd &&other) noexcept;
	BackendFd(const BackendFd &) = delete;
	BackendFd &operator=(const BackendFd &) = delete;

	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }
	const IoctlBackend &backend() const { return *backend_; }
	void reset() noexcept;

private:
	int fd_ = -1;
	const IoctlBackend *backend_ = &plainIoctl();
};

} /* namespace primecam */
