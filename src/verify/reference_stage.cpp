/* SPDX-License-Identifier: MIT */
#include "src/verify/reference_stage.h"

#include <cstring>

#include "pipeline/stages/frame_sync.h"

namespace primecam {

Result<void> ReferenceStage::configure(std::span<const FrameBuffer> input)
{
	layout_ = input.front();
	stride_ = layout_.planes[0].stride;
	/* Each colour plane after the other, whatever dma-buf and offset it
	 * comes from: an NV12M frame's planes are two buffers. */
	size_t size = 0;
	for (uint32_t p = 0; p < layout_.numPlanes; ++p) {
		planeStart_[p] = size;
		size += static_cast<size_t>(layout_.planes[p].stride) *
			layout_.format->planeHeight(p, layout_.height);
	}
	/* Allocated here, never while streaming. */
	for (Slot &slot : slots_) {
		slot.sequence = UINT64_MAX;
		slot.bytes.resize(size);
	}
	next_ = 0;
	firstNs_ = lastNs_ = 0;
	return maps_.map(input, Mapping::Read);
}

int ReferenceStage::process(const FrameBuffer &in, const FrameMetadata &metadata,
			    const FrameBuffer *, StageWork &work)
{
	FrameSync sync;
	int ret = sync.begin(in, CpuAccess::Mode::Read, work, sync_);
	if (ret < 0)
		return ret;
	ImageView view = maps_.view(in);
	std::lock_guard<std::mutex> lock(mutex_);
	/* In arrival order, not by sequence: a camera that repeats a number
	 * gives two frames that must both stay kept. */
	Slot &slot = slots_[next_++ % slots_.size()];
	for (uint32_t p = 0; p < layout_.numPlanes; ++p)
		std::memcpy(slot.bytes.data() + planeStart_[p], view.planes[p].data,
			    static_cast<size_t>(layout_.planes[p].stride) *
				    layout_.format->planeHeight(p, layout_.height));
	slot.sequence = metadata.sequence;
	if (next_ == 1)
		firstNs_ = metadata.timestampNs;
	lastNs_ = metadata.timestampNs;
	startOfExposure_ = metadata.startOfExposure;
	return sync.end();
}

int64_t ReferenceStage::framePeriodNs()
{
	std::lock_guard<std::mutex> lock(mutex_);
	if (next_ < 2)
		return 0;
	return (lastNs_ - firstNs_) / static_cast<int64_t>(next_ - 1);
}

bool ReferenceStage::startOfExposure()
{
	std::lock_guard<std::mutex> lock(mutex_);
	return startOfExposure_;
}

std::vector<ReferenceStage::Slot *> ReferenceStage::numbered(uint64_t sequence)
{
	std::vector<Slot *> found;
	for (size_t back = 1; back <= slots_.size() && back <= next_; ++back) {
		Slot &slot = slots_[(next_ - back) % slots_.size()];
		if (slot.sequence == sequence)
			found.push_back(&slot);
	}
	return found;
}

ImageView ReferenceStage::viewOf(Slot &slot) const
{
	ImageView image{layout_.format, layout_.width, layout_.height, {}};
	for (uint32_t p = 0; p < layout_.numPlanes; ++p)
		image.planes[p] = {slot.bytes.data() + planeStart_[p], layout_.planes[p].stride};
	return image;
}

const std::vector<uint8_t> *ReferenceStage::frame(uint64_t sequence)
{
	std::lock_guard<std::mutex> lock(mutex_);
	std::vector<Slot *> found = numbered(sequence);
	return found.empty() ? nullptr : &found.front()->bytes;
}

std::vector<const std::vector<uint8_t> *> ReferenceStage::frames(uint64_t sequence)
{
	std::lock_guard<std::mutex> lock(mutex_);
	std::vector<const std::vector<uint8_t> *> found;
	for (Slot *slot : numbered(sequence))
		found.push_back(&slot->bytes);
	return found;
}

std::optional<ImageView> ReferenceStage::view(uint64_t sequence)
{
	std::vector<ImageView> found = views(sequence);
	if (found.empty())
		return std::nullopt;
	return found.front();
}

std::vector<ImageView> ReferenceStage::views(uint64_t sequence)
{
	std::lock_guard<std::mutex> lock(mutex_);
	std::vector<ImageView> found;
	for (Slot *slot : numbered(sequence))
		found.push_back(viewOf(*slot));
	return found;
}

} /* namespace primecam */
