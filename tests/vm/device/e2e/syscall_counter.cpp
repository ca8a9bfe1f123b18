/* SPDX-License-Identifier: MIT */
#include "syscall_counter.h"

#include <atomic>
#include <cstdarg>

#include <drm.h>
#include <linux/videodev2.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

std::atomic<uint64_t> expbuf, reqbufs, primeImport, addFb, rmFb, atomicCommit, fileMmap;

} /* namespace */

/* glibc declares both noexcept (__THROW) in C++. */
extern "C" int ioctl(int fd, unsigned long request, ...) noexcept
{
	va_list args;
	va_start(args, request);
	void *arg = va_arg(args, void *);
	va_end(args);

	switch (request) {
	case VIDIOC_EXPBUF:
		++expbuf;
		break;
	case VIDIOC_REQBUFS:
		++reqbufs;
		break;
	case DRM_IOCTL_PRIME_FD_TO_HANDLE:
		++primeImport;
		break;
	case DRM_IOCTL_MODE_ADDFB2:
		++addFb;
		break;
	case DRM_IOCTL_MODE_RMFB:
		++rmFb;
		break;
	case DRM_IOCTL_MODE_ATOMIC:
		++atomicCommit;
		break;
	default:
		break;
	}
	return static_cast<int>(::syscall(SYS_ioctl, fd, request, arg));
}

extern "C" void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) noexcept
{
	if (!(flags & MAP_ANONYMOUS) && fd >= 0)
		++fileMmap;
	long ret = ::syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
	return reinterpret_cast<void *>(ret);
}

namespace primecam::test {

SyscallCounts syscallCounts()
{
	return {expbuf.load(), reqbufs.load(),	    primeImport.load(), addFb.load(),
		rmFb.load(),   atomicCommit.load(), fileMmap.load()};
}

} /* namespace primecam::test */
