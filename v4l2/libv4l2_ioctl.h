/* SPDX-License-Identifier: MIT */
#pragma once

#include "v4l2/ioctl_backend.h"

namespace primecam {

/*
 * libv4l2's v4l2_open / v4l2_ioctl / v4l2_close as a VideoDevice backend:
 * libv4l2 answers S_FMT/G_FMT with the format it emulates and converts at
 * VIDIOC_DQBUF. The fd is the device's own: poll()/epoll see the real
 * driver, and a plain ioctl() on it bypasses libv4l2 (which is how the
 * device's native format is read back). Built into the libv4l2 module only.
 */
const IoctlBackend &libv4l2Ioctl();

} /* namespace primecam */
