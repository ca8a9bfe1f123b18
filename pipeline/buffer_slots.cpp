/* SPDX-License-Identifier: MIT */
#include "pipeline/buffer_slots.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace primecam {

BufferSlots::~BufferSlots()
{
	clear();
}

void BufferSlots::assign(std::vector<FrameBuffer> buffers, ReturnFn onReturn)
{
	clear();
	buffers_ = std::move(buffers);
	onReturn_ = std::move(onReturn);
	slots_ = std::make_unique<FrameRef::Slot[]>(buffers_.size());
	for (size_t i = 0; i < buffers_.size(); ++i) {
		/* The slot position is the index the producer gets back. */
		buffers_[i].index = static_cast<uint32_t>(i);
		slots_[i].buffer = &buffers_[i];
		slots_[i].owner = this;
	}
}

void BufferSlots::clear()
{
	/*
	 * A FrameRef that outlived its producer's buffers would point at freed
	 * memory, and the buffer under it may already be back in the device:
	 * stop the consumers before the producer, always.
	 */
	if (heldCount() != 0) {
		std::fprintf(stderr, "primecam: BUG: %u buffer(s) still held at teardown\n",
			     heldCount());
		std::abort();
	}
	slots_.reset();
	buffers_.clear();
	onReturn_ = nullptr;
}

FrameRef BufferSlots::hold(uint32_t index, const FrameMetadata &metadata)
{
	FrameRef::Slot &slot = slots_[index];
	assert(slot.holders == 0);
	slot.metadata = metadata;
	return FrameRef(&slot);
}

bool BufferSlots::isHeld(uint32_t index) const
{
	return slots_[index].holders != 0;
}

uint32_t BufferSlots::heldCount() const
{
	uint32_t held = 0;
	for (size_t i = 0; slots_ && i < buffers_.size(); ++i)
		held += slots_[i].holders != 0;
	return held;
}

void BufferSlots::lastHolderGone(const FrameRef::Slot &slot)
{
	if (onReturn_)
		onReturn_(static_cast<uint32_t>(&slot - slots_.get()));
}

} /* namespace primecam */
