/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Counts the calls the steady-state rule forbids per frame: the device-test
 * binary defines ioctl() and mmap() itself, which interposes them for
 * primecam's own code and for libdrm alike (the executable comes first in
 * symbol lookup), then forwards to the kernel with syscall(2).
 */

#include <cstdint>

namespace primecam::test {

struct SyscallCounts {
	uint64_t expbuf = 0;	  /* VIDIOC_EXPBUF */
	uint64_t reqbufs = 0;	  /* VIDIOC_REQBUFS */
	uint64_t primeImport = 0; /* DRM_IOCTL_PRIME_FD_TO_HANDLE */
	uint64_t addFb = 0;	  /* DRM_IOCTL_MODE_ADDFB2 */
	uint64_t rmFb = 0;	  /* DRM_IOCTL_MODE_RMFB */
	uint64_t atomic = 0;	  /* DRM_IOCTL_MODE_ATOMIC */
	uint64_t fileMmap = 0;	  /* mmap() of a file (not anonymous memory) */
};

SyscallCounts syscallCounts();

} /* namespace primecam::test */
