/* SPDX-License-Identifier: MIT */
#include "base/cpu_access.h"

#include <cerrno>
#include <string>
#include <utility>

#include <linux/dma-buf.h>
#include <sys/ioctl.h>

namespace primecam {

namespace {

uint64_t modeFlags(CpuAccess::Mode mode)
{
	switch (mode) {
	case CpuAccess::Mode::Read:
		return DMA_BUF_SYNC_READ;
	case CpuAccess::Mode::Write:
		return DMA_BUF_SYNC_WRITE;
	case CpuAccess::Mode::ReadWrite:
		break;
	}
	return DMA_BUF_SYNC_RW;
}

/*
 * The kernel returns EINTR when a signal arrives while it waits for the
 * buffer's fences, and EAGAIN from some exporters while a fence is pending;
 * in both cases nothing happened yet and the same call is to be repeated
 * (libdrm's drmIoctl retries the same two).
 */
int syncRetrying(CpuAccess::SyncFn sync, int fd, uint64_t flags)
{
	int ret;
	do {
		ret = sync(fd, flags);
	} while (ret == -EINTR || ret == -EAGAIN);
	return ret;
}

} /* namespace */

int CpuAccess::syncIoctl(int fd, uint64_t flags)
{
	struct dma_buf_sync arg = {};
	arg.flags = flags;
	return ::ioctl(fd, DMA_BUF_IOCTL_SYNC, &arg) < 0 ? -errno : 0;
}

CpuAccess::CpuAccess(CpuAccess &&other) noexcept
	: fd_(std::exchange(other.fd_, -1)), mode_(other.mode_), sync_(other.sync_)
{}

CpuAccess &CpuAccess::operator=(CpuAccess &&other) noexcept
{
	if (this != &other) {
		end();
		fd_ = std::exchange(other.fd_, -1);
		mode_ = other.mode_;
		sync_ = other.sync_;
	}
	return *this;
}

Result<CpuAccess> CpuAccess::begin(int fd, Mode mode, SyncFn sync)
{
	int ret = syncRetrying(sync, fd, DMA_BUF_SYNC_START | modeFlags(mode));
	if (ret < 0) {
		std::string what = "DMA_BUF_IOCTL_SYNC START on fd " + std::to_string(fd);
		if (ret == -ENOTTY)
			what += " (not a dma-buf)";
		return Error::fromErrno(-ret, what);
	}
	return CpuAccess(fd, mode, sync);
}

int CpuAccess::end()
{
	if (fd_ < 0)
		return 0;
	int fd = std::exchange(fd_, -1);
	return syncRetrying(sync_, fd, DMA_BUF_SYNC_END | modeFlags(mode_));
}

} /* namespace primecam */
