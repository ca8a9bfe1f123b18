/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>

#include "base/cpu_access.h"
#include "pipeline/frame.h"
#include "pipeline/stage.h"

namespace primecam {

/*
 * DMA_BUF_IOCTL_SYNC START on every dma-buf behind a frame buffer (one per
 * memory plane: NV12M has two), END when done: the CPU bracket a stage puts
 * around its work on one frame. Each START and END is counted in the
 * stage's work, which is how the stats prove the pairing.
 */
class FrameSync
{
public:
	FrameSync() = default;
	~FrameSync() { end(); }
	FrameSync(const FrameSync &) = delete;
	FrameSync &operator=(const FrameSync &) = delete;

	/* 0, or -errno of the first START that failed (the ones before it
	 * are ended at once). */
	int begin(const FrameBuffer &buffer, CpuAccess::Mode mode, StageWork &work,
		  CpuAccess::SyncFn sync = &CpuAccess::syncIoctl);
	/* Ends every access still open; 0 or the first -errno. */
	int end();

private:
	std::array<CpuAccess, 3> access_;
	unsigned count_ = 0;
	StageWork *work_ = nullptr;
};

/*
 * A conversion's CPU pass over one frame (the convert and scale stages): in
 * bracketed READ, out WRITE, pass() between them. 0, or the first -errno: a
 * START, the pass, then out's END before in's (both are ended on every
 * path).
 */
template<typename Pass>
int convertingPass(const FrameBuffer &in, const FrameBuffer &out, StageWork &work,
		   CpuAccess::SyncFn sync, Pass &&pass)
{
	FrameSync read;
	int ret = read.begin(in, CpuAccess::Mode::Read, work, sync);
	if (ret < 0)
		return ret;
	FrameSync write;
	ret = write.begin(out, CpuAccess::Mode::Write, work, sync);
	if (ret < 0)
		return ret;
	ret = pass();
	if (ret < 0)
		return ret;
	int endWrite = write.end();
	int endRead = read.end();
	return endWrite < 0 ? endWrite : endRead;
}

} /* namespace primecam */
