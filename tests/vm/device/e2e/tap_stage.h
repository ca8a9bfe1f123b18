/* SPDX-License-Identifier: MIT */
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include "pipeline/stage.h"
#include "pipeline/stages/frame_sync.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam::test {

/*
 * Keeps a copy of the last few input frames, by sequence number, so the
 * test knows what the camera delivered for the frame the display shows
 * (the capture buffer itself is long back in the camera by then, or, in a
 * broken pipeline, overwritten while on screen). A test instrument, not a
 * primecam stage: the copy is the point here. An analysis stage, so the
 * frame itself goes on to the sinks in its own buffer: the path under
 * test stays zero-copy.
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
	/* Every colour plane is kept: the bytes from plane 0's start to the
	 * end of the last plane of one contiguous buffer. */
	Result<void> configure(std::span<const FrameBuffer> input) override
	{
		layout_ = input.front();
		stride_ = layout_.planes[0].stride;
		size_t size = 0;
		for (uint32_t p = 0; p < layout_.numPlanes; ++p)
			size = std::max<size_t>(
				size,
				layout_.planes[p].offset - layout_.planes[0].offset +
					static_cast<size_t>(layout_.planes[p].stride) *
						layout_.format->planeHeight(p, layout_.height));
		for (Slot &slot : slots_)
			slot.bytes.resize(size);
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
		/* In arrival order, not by sequence: vivid can give two frames
		 * the same sequence number (see v4l2_test_helpers.cpp), and
		 * both must stay kept. */
		Slot &slot = slots_[next_++ % slots_.size()];
		std::memcpy(slot.bytes.data(), view.planes[0].data, slot.bytes.size());
		slot.sequence = metadata.sequence;
		return sync.end();
	}

	/* The input of frame `sequence`, if still kept (the latest, should
	 * the camera have repeated the number). */
	const std::vector<uint8_t> *frame(uint64_t sequence)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		const Slot *slot = latest(sequence);
		return slot ? &slot->bytes : nullptr;
	}
	/* Every kept input numbered `sequence`, newest first: one, unless the
	 * camera repeated the number. */
	std::vector<const std::vector<uint8_t> *> frames(uint64_t sequence)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		std::vector<const std::vector<uint8_t> *> found;
		for (size_t back = 1; back <= slots_.size() && back <= next_; ++back) {
			const Slot &slot = slots_[(next_ - back) % slots_.size()];
			if (slot.sequence == sequence)
				found.push_back(&slot.bytes);
		}
		return found;
	}
	uint32_t stride() const { return stride_; }
	uint32_t width() const { return layout_.width; }
	uint32_t height() const { return layout_.height; }
	/* The same, as an image of every plane (valid while the slot is not
	 * reused: copy what must outlive the next frames). */
	std::optional<ImageView> view(uint64_t sequence)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		Slot *slot = latest(sequence);
		if (!slot)
			return std::nullopt;
		ImageView image{layout_.format, layout_.width, layout_.height, {}};
		for (uint32_t p = 0; p < layout_.numPlanes; ++p)
			image.planes[p] = {slot->bytes.data() + (layout_.planes[p].offset -
								 layout_.planes[0].offset),
					   layout_.planes[p].stride};
		return image;
	}

private:
	/* Under mutex_. */
	Slot *latest(uint64_t sequence)
	{
		for (size_t back = 1; back <= slots_.size() && back <= next_; ++back) {
			Slot &slot = slots_[(next_ - back) % slots_.size()];
			if (slot.sequence == sequence)
				return &slot;
		}
		return nullptr;
	}

	MappedBuffers maps_;
	FrameBuffer layout_;
	std::vector<Slot> slots_;
	uint32_t stride_ = 0;
	size_t next_ = 0; /* frames tapped so far */
	std::mutex mutex_;
};

} /* namespace primecam::test */
