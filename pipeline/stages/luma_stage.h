/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>

#include "pipeline/stage.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Read-only analysis (READ access): the luma histogram and mean brightness
 * of every frame, published in the stats (the last frame's histogram, the
 * last and average mean). The frame passes on unchanged, so this stage costs
 * CPU time but no copy. YUV formats read their Y samples; RGB formats weigh
 * R, G and B with the BT.601 full-range luma coefficients.
 */
class LumaStage : public Stage
{
public:
	std::string describe() const override { return "luma"; }
	Kind kind() const override { return Kind::Analysis; }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override;

	static bool supports(const PixelFormatInfo &format);
	/* Luma of one image (the stage's work without the sync), for the
	 * unit tests. */
	static void measure(const ImageView &view, StageWork &work);

private:
	MappedBuffers maps_;
};

} /* namespace primecam */
