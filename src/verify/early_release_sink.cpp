/* SPDX-License-Identifier: MIT */
#include "src/verify/early_release_sink.h"

#include <vector>

namespace primecam {

Result<void> EarlyReleaseSink::configure(std::span<const FrameBuffer> buffers)
{
	Result<void> ret = kms_->configure(buffers);
	if (!ret)
		return ret;
	std::vector<FrameBuffer> standIns;
	for (uint32_t copy = 0; copy < kStandIns; ++copy)
		for (const FrameBuffer &buffer : buffers) {
			standIns.push_back(buffer);
			standIns.back().index = static_cast<uint32_t>(standIns.size() - 1);
		}
	buffers_ = static_cast<uint32_t>(buffers.size());
	standIns_.assign(std::move(standIns), [](uint32_t) {});
	return {};
}

int EarlyReleaseSink::consume(FrameRef frame)
{
	for (uint32_t copy = 0; copy < kStandIns; ++copy) {
		uint32_t index = copy * buffers_ + frame.buffer().index;
		if (standIns_.isHeld(index))
			continue;
		FrameRef standIn = standIns_.hold(index, frame.metadata());
		/* The bug: the camera gets its buffer back now. */
		frame.reset();
		return kms_->consume(std::move(standIn));
	}
	/* More frames of one buffer on the display than it can hold: the
	 * display lost track of its flips. */
	return -EBUSY;
}

} /* namespace primecam */
