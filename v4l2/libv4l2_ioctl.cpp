/* SPDX-License-Identifier: MIT */
#include "v4l2/libv4l2_ioctl.h"

#include <libv4l2.h>

namespace primecam {

namespace {

/* v4l2_open is variadic (a mode for O_CREAT, which a device never takes). */
int libv4l2Open(const char *path, int flags)
{
	return ::v4l2_open(path, flags);
}

/* v4l2_ioctl is variadic too. */
int libv4l2IoctlCall(int fd, unsigned long request, void *arg)
{
	return ::v4l2_ioctl(fd, request, arg);
}

} /* namespace */

const IoctlBackend &libv4l2Ioctl()
{
	static const IoctlBackend backend{"libv4l2", libv4l2Open, libv4l2IoctlCall, ::v4l2_close};
	return backend;
}

} /* namespace primecam */
