/* SPDX-License-Identifier: MIT */
#include "pipeline/import_index.h"

namespace primecam {

void ImportIndex::assign(std::span<const FrameBuffer> upstream)
{
	slots_.clear();
	for (const FrameBuffer &buffer : upstream)
		slots_.emplace(BufferKey::of(buffer), static_cast<uint32_t>(slots_.size()));
}

std::optional<uint32_t> ImportIndex::find(const FrameBuffer &buffer) const
{
	auto it = slots_.find(BufferKey::of(buffer));
	if (it == slots_.end())
		return std::nullopt;
	return it->second;
}

} /* namespace primecam */
