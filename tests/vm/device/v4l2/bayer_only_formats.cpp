/* SPDX-License-Identifier: MIT */
#include "bayer_only_formats.h"

#include <atomic>
#include <cerrno>
#include <cstdarg>

#include <dlfcn.h>
#include <linux/videodev2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

std::atomic<bool> armed{false};
std::atomic<uint64_t> answeredCount{0};

using SyscallFn = long (*)(long, ...);

SyscallFn realSyscall()
{
	static SyscallFn real = reinterpret_cast<SyscallFn>(::dlsym(RTLD_NEXT, "syscall"));
	return real;
}

/* ENUM_FMT index 0 is the device's own SBGGR8 entry; every other index is
 * the end of the list. */
long enumBayerOnly(int fd, v4l2_fmtdesc *desc)
{
	++answeredCount;
	if (desc->index != 0) {
		errno = EINVAL;
		return -1;
	}
	for (uint32_t i = 0;; ++i) {
		v4l2_fmtdesc real = {};
		real.index = i;
		real.type = desc->type;
		/* Straight to the kernel: ioctl() may itself come through
		 * syscall() (the e2e tests' counter interposes it). */
		if (realSyscall()(SYS_ioctl, fd, VIDIOC_ENUM_FMT, &real) < 0)
			return -1; /* errno from the driver: no SBGGR8 at all */
		if (real.pixelformat == V4L2_PIX_FMT_SBGGR8) {
			real.index = 0;
			*desc = real;
			return 0;
		}
	}
}

} /* namespace */

/*
 * glibc's syscall(), interposed for the whole test binary: everything is
 * passed on unchanged unless a BayerOnlyFormats is alive. syscall() itself
 * reads six arguments whatever the call, and so does this: on x86-64 the
 * sixth is the caller's stack slot above its return address, which a caller
 * passing fewer never wrote. AddressSanitizer rightly sees that read land in
 * the caller's frame; it is the read glibc's own syscall() makes, so this
 * one function is not instrumented.
 */
extern "C" __attribute__((no_sanitize("address"))) long syscall(long number, ...) noexcept
{
	va_list ap;
	va_start(ap, number);
	long a[6];
	for (long &arg : a)
		arg = va_arg(ap, long);
	va_end(ap);

	if (number == SYS_ioctl && armed.load() &&
	    static_cast<unsigned long>(a[1]) == static_cast<unsigned long>(VIDIOC_ENUM_FMT)) {
		auto *desc = reinterpret_cast<v4l2_fmtdesc *>(a[2]);
		if (desc && desc->type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
			return enumBayerOnly(static_cast<int>(a[0]), desc);
	}
	return realSyscall()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

namespace primecam::test {

BayerOnlyFormats::BayerOnlyFormats()
{
	armed = true;
}

BayerOnlyFormats::~BayerOnlyFormats()
{
	armed = false;
}

uint64_t BayerOnlyFormats::answered()
{
	return answeredCount.load();
}

} /* namespace primecam::test */
