/* SPDX-License-Identifier: MIT */
#include "alloc/dumb_allocator.h"

#include <memory>

#include "drm/card.h"
#include "drm/dumb_buffer.h"

namespace primecam {

Result<BufferAllocator> makeDumbAllocator(const std::string &cardName)
{
	Result<Card> card =
		cardName.starts_with("/") ? Card::open(cardName) : Card::openByDriver(cardName);
	if (!card)
		return std::move(card).error();
	auto shared = std::make_shared<Card>(std::move(*card));

	BufferAllocator alloc;
	alloc.kind = PoolKind::Dumb;
	alloc.name = "dumb buffers on " + shared->path() + " (" + shared->driver() + ")";
	alloc.allocate = [shared](size_t size) -> Result<DmaBuf> {
		/* A dumb buffer is sized in pixels: ask for 4096-byte rows of
		 * 8 bits, enough of them to hold size bytes. The row length is
		 * irrelevant to importers, which get offsets and strides from the
		 * producer. */
		constexpr uint32_t kRow = 4096;
		uint32_t rows = static_cast<uint32_t>((size + kRow - 1) / kRow);
		Result<DumbBuffer> dumb = DumbBuffer::create(*shared, kRow, rows, 8);
		if (!dumb)
			return std::move(dumb).error();
		return dumb->exportDmaBuf();
	};
	return alloc;
}

} /* namespace primecam */
