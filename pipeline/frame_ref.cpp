/* SPDX-License-Identifier: MIT */
#include "pipeline/frame_ref.h"

#include <utility>

#include "pipeline/buffer_slots.h"

namespace primecam {

FrameRef::FrameRef(Slot *slot) : slot_(slot)
{
	++slot_->holders;
}

FrameRef::FrameRef(const FrameRef &other) : slot_(other.slot_)
{
	if (slot_)
		++slot_->holders;
}

/* Self-assignment is the case of the same slot, which changes nothing. */
/* NOLINTNEXTLINE(bugprone-unhandled-self-assignment) */
FrameRef &FrameRef::operator=(const FrameRef &other)
{
	if (slot_ != other.slot_) {
		/* Take the new hold first: other may be held only through us. */
		if (other.slot_)
			++other.slot_->holders;
		reset();
		slot_ = other.slot_;
	}
	return *this;
}

FrameRef::FrameRef(FrameRef &&other) noexcept : slot_(std::exchange(other.slot_, nullptr))
{}

FrameRef &FrameRef::operator=(FrameRef &&other) noexcept
{
	if (this != &other) {
		reset();
		slot_ = std::exchange(other.slot_, nullptr);
	}
	return *this;
}

const FrameBuffer &FrameRef::buffer() const
{
	return *slot_->buffer;
}

const FrameMetadata &FrameRef::metadata() const
{
	return slot_->metadata;
}

void FrameRef::reset()
{
	Slot *slot = std::exchange(slot_, nullptr);
	if (slot && --slot->holders == 0)
		slot->owner->lastHolderGone(*slot);
}

} /* namespace primecam */
