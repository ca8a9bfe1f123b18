/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "pipeline/buffer_key.h"
#include "pipeline/frame.h"

namespace primecam {

/*
 * Which slot of an importer holds an upstream buffer: a V4L2 mem2mem stage
 * imports each buffer of its producer once, at configure, into one buffer of
 * its OUTPUT queue, and finds that buffer again for every frame by the
 * buffer's identity (the dma-bufs and offsets of its planes), never by fd
 * number or pool index. Filled at configure; lookups allocate nothing.
 */
class ImportIndex
{
public:
	/* One slot per distinct buffer of upstream, in order; a buffer whose
	 * identity is already listed gets no second slot. */
	void assign(std::span<const FrameBuffer> upstream);
	void clear() { slots_.clear(); }

	/* The slot of buffer, or nothing when it was not among upstream's. */
	std::optional<uint32_t> find(const FrameBuffer &buffer) const;
	uint32_t size() const { return static_cast<uint32_t>(slots_.size()); }

private:
	std::map<BufferKey, uint32_t> slots_;
};

} /* namespace primecam */
