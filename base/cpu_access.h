/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

#include "base/result.h"

namespace primecam {

/*
 * Bracket for every CPU touch of a dma-buf: DMA_BUF_IOCTL_SYNC START on
 * construction, END on destruction. This is the userspace face of
 * dma_buf_begin_cpu_access()/dma_buf_end_cpu_access(): on non-coherent
 * hardware the exporter invalidates or flushes caches there, and it waits for
 * the device's fences, so skipping it reads stale or half-written pixels.
 */
class CpuAccess
{
public:
	enum class Mode {
		Read,
		Write,
		ReadWrite
	};

	/* One DMA_BUF_IOCTL_SYNC attempt: 0 or -errno. Replaceable so that tests
	 * can count and fail calls without a device. */
	using SyncFn = int (*)(int fd, uint64_t flags);
	static int syncIoctl(int fd, uint64_t flags);

	CpuAccess() = default;
	~CpuAccess() { end(); }
	CpuAccess(CpuAccess &&other) noexcept;
	CpuAccess &operator=(CpuAccess &&other) noexcept;
	CpuAccess(const CpuAccess &) = delete;
	CpuAccess &operator=(const CpuAccess &) = delete;

	/* Issues SYNC_START; fails (naming fd and errno) without holding access. */
	static Result<CpuAccess> begin(int fd, Mode mode, SyncFn sync = &CpuAccess::syncIoctl);

	/* Issues SYNC_END now; 0 or -errno. Later calls (and the destructor) do
	 * nothing, so the END is issued exactly once. */
	int end();

	bool isActive() const { return fd_ >= 0; }
	Mode mode() const { return mode_; }

private:
	CpuAccess(int fd, Mode mode, SyncFn sync) : fd_(fd), mode_(mode), sync_(sync) {}

	int fd_ = -1; /* not owned: the DmaBuf outlives the access */
	Mode mode_ = Mode::Read;
	SyncFn sync_ = nullptr;
};

} /* namespace primecam */
