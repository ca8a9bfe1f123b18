/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <tuple>

#include "base/dma_buf.h"
#include "pipeline/frame.h"

namespace primecam {

/*
 * What an importer caches a buffer under (a KMS framebuffer, a set of
 * EGLImages): the identity of each colour plane's dma-buf and the plane's
 * offset in it. Not the fd number, which a dup() or a re-export changes, nor
 * the pool index, which two pools share: the same memory at the same offsets
 * is the same import.
 */
struct BufferKey {
	std::array<BufferId, std::tuple_size_v<decltype(FrameBuffer::planes)>> ids{};
	std::array<uint32_t, std::tuple_size_v<decltype(FrameBuffer::planes)>> offsets{};

	auto operator<=>(const BufferKey &) const = default;

	static BufferKey of(const FrameBuffer &buffer)
	{
		BufferKey key;
		for (uint32_t p = 0; p < buffer.numPlanes && p < key.ids.size(); ++p) {
			key.ids[p] = buffer.planes[p].id;
			key.offsets[p] = buffer.planes[p].offset;
		}
		return key;
	}
};

} /* namespace primecam */
