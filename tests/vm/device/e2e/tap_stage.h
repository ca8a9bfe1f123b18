/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstring>
#include <mutex>
#include <vector>

#include "pipeline/stage.h"
#include "pipeline/stages/frame_sync.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam::test {

/*
 * Keeps a copy of the last few input frames, by sequence number, so the
 * test knows what the camera delivered for the frame the display shows
 * (the capture buffer itself is long back in the camera by then). A test
 * instrument, not a primecam stage: the copy is the point here.
 */
class TapStage : public Stage
{
public:
	struct Slot {
		uint64_t sequence = UINT64_MAX;
		std::vector<uint8_t> bytes;
	};

	/* slots: how many frames back the display may lag (a GL pass under
	 * emulation takes several capture intervals). */
	explicit TapStage(size_t slots = 8) : slots_(slots) {}

	std::string describe() const override { return "tap"; }
	Kind kind() const override { return Kind::Analysis; }
	Result<void> configure(std::span<const FrameBuffer> input) override
	{
		const FrameBuffer &fb = input.front();
		stride_ = fb.planes[0].stride;
		for (Slot &slot : slots_)
			slot.bytes.resize(static_cast<size_t>(stride_) * fb.height);
		return maps_.map(input, Mapping::Read);
	}
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *,
		    StageWork &work) override
	{
		FrameSync sync;
		int ret = sync.begin(in, CpuAccess::Mode::Read, work, sync_);
		if (ret < 0)
			return ret;
		ImageView view = maps_.view(in);
		std::lock_guard<std::mutex> lock(mutex_);
		Slot &slot = slots_[metadata.sequence % slots_.size()];
		std::memcpy(slot.bytes.data(), view.planes[0].data, slot.bytes.size());
		slot.sequence = metadata.sequence;
		return sync.end();
	}

	/* The input of frame `sequence`, if still kept. */
	const std::vector<uint8_t> *frame(uint64_t sequence)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		const Slot &slot = slots_[sequence % slots_.size()];
		return slot.sequence == sequence ? &slot.bytes : nullptr;
	}
	uint32_t stride() const { return stride_; }

private:
	MappedBuffers maps_;
	std::vector<Slot> slots_;
	uint32_t stride_ = 0;
	std::mutex mutex_;
};

} /* namespace primecam::test */
