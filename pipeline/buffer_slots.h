/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "pipeline/frame.h"
#include "pipeline/frame_ref.h"

namespace primecam {

/* Where a FrameRef points: one per buffer, owned by BufferSlots. */
struct FrameRef::Slot {
	const FrameBuffer *buffer = nullptr;
	FrameMetadata metadata;
	uint32_t holders = 0;
	BufferSlots *owner = nullptr;
};

/*
 * The holder bookkeeping of a producer's buffers: a producer (capture source,
 * converting stage) puts a frame into a buffer with hold(), hands the
 * FrameRef on, and gets `onReturn(index)` when the last holder released it,
 * which is the moment it may reuse the buffer (QBUF it again).
 */
class BufferSlots
{
public:
	using ReturnFn = std::function<void(uint32_t index)>;

	BufferSlots() = default;
	~BufferSlots();
	BufferSlots(const BufferSlots &) = delete;
	BufferSlots &operator=(const BufferSlots &) = delete;

	/* Replaces the buffers (at configure time; none may be held). */
	void assign(std::vector<FrameBuffer> buffers, ReturnFn onReturn);
	void clear();

	std::span<const FrameBuffer> buffers() const { return buffers_; }
	size_t size() const { return buffers_.size(); }

	/* The first hold of buffer index with a new frame's metadata. The
	 * buffer must not be held already (that would be a producer bug). */
	FrameRef hold(uint32_t index, const FrameMetadata &metadata);
	bool isHeld(uint32_t index) const;
	uint32_t heldCount() const;

private:
	friend class FrameRef;
	void lastHolderGone(const FrameRef::Slot &slot);

	std::vector<FrameBuffer> buffers_;
	std::unique_ptr<FrameRef::Slot[]> slots_;
	ReturnFn onReturn_;
};

} /* namespace primecam */
