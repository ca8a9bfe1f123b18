/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/frame_sync.h"

#include <cerrno>

namespace primecam {

int FrameSync::begin(const FrameBuffer &buffer, CpuAccess::Mode mode, StageWork &work,
		     CpuAccess::SyncFn sync)
{
	end();
	work_ = &work;
	for (uint32_t m = 0; m < buffer.numMemoryPlanes && m < access_.size(); ++m) {
		if (!buffer.memory[m]) {
			end();
			return -EINVAL;
		}
		Result<CpuAccess> access = CpuAccess::begin(buffer.memory[m]->fd(), mode, sync);
		if (!access) {
			int code = access.error().code;
			end();
			return -code;
		}
		access_[count_++] = std::move(*access);
		++work.syncStarts;
	}
	return 0;
}

int FrameSync::end()
{
	int first = 0;
	for (unsigned i = 0; i < count_; ++i) {
		int ret = access_[i].end();
		if (work_)
			++work_->syncEnds;
		if (ret < 0 && !first)
			first = ret;
	}
	count_ = 0;
	return first;
}

} /* namespace primecam */
