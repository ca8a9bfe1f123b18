/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

#include "pipeline/frame.h"

namespace primecam {

class BufferSlots;

/*
 * A hold on a buffer that carries a frame. Copying a FrameRef adds a holder
 * (fan-out to several sinks); the buffer goes back to its source when the
 * last holder lets go, and not before: a buffer on screen must never be
 * requeued to capture, or the camera would overwrite what is displayed.
 *
 * The holder count lives in the source's slot, so holding, copying and
 * releasing allocate nothing. FrameRefs are used on the event-loop thread
 * only (workers hand theirs back through EventLoop::post).
 */
class FrameRef
{
public:
	FrameRef() = default;
	~FrameRef() { reset(); }
	FrameRef(const FrameRef &other);
	FrameRef &operator=(const FrameRef &other);
	FrameRef(FrameRef &&other) noexcept;
	FrameRef &operator=(FrameRef &&other) noexcept;

	explicit operator bool() const { return slot_ != nullptr; }
	const FrameBuffer &buffer() const;
	const FrameMetadata &metadata() const;

	/* Lets go of the buffer (returning it when this was the last hold). */
	void reset();

private:
	friend class BufferSlots;
	struct Slot;
	explicit FrameRef(Slot *slot);

	Slot *slot_ = nullptr;
};

} /* namespace primecam */
