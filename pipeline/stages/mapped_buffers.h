/* SPDX-License-Identifier: MIT */
#pragma once

#include <span>
#include <unordered_map>

#include "base/dma_buf.h"
#include "base/mapping.h"
#include "base/result.h"
#include "pipeline/frame.h"
#include "pipeline/stages/image_view.h"

namespace primecam {

/*
 * CPU mappings of a stage's buffers, made once at configure time and keyed
 * by buffer identity: several colour planes (NV12 in one buffer) share one
 * mapping, and mmap per frame would cost page faults and TLB shootdowns.
 */
class MappedBuffers
{
public:
	/* Maps every dma-buf behind buffers that is not mapped yet. */
	Result<void> map(std::span<const FrameBuffer> buffers, Mapping::Access access);
	/* The image in buffer, which map() saw; planes it did not map stay null. */
	ImageView view(const FrameBuffer &buffer) const;
	void clear() { maps_.clear(); }

private:
	std::unordered_map<BufferId, Mapping> maps_;
};

} /* namespace primecam */
