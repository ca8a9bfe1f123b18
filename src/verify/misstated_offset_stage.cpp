/* SPDX-License-Identifier: MIT */
#include "src/verify/misstated_offset_stage.h"

#include <vector>

namespace primecam {

namespace {

constexpr uint32_t kLines = 16;

} /* namespace */

bool MisstatedOffsetStage::applies(const FrameBuffer &layout)
{
	return layout.numPlanes >= 2 && layout.planes[1].offset >= kLines * layout.planes[1].stride;
}

FrameBuffer MisstatedOffsetStage::misstated(const FrameBuffer &buffer)
{
	FrameBuffer wrong = buffer;
	if (applies(buffer))
		wrong.planes[1].offset -= kLines * buffer.planes[1].stride;
	return wrong;
}

Result<void> MisstatedOffsetStage::configure(std::span<const FrameBuffer> input)
{
	std::vector<FrameBuffer> wrong;
	for (const FrameBuffer &buffer : input)
		wrong.push_back(misstated(buffer));
	return stage_->configure(wrong);
}

} /* namespace primecam */
