/* SPDX-License-Identifier: MIT */
#pragma once

#include "pipeline/stage.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Removes colour in place (READ_WRITE access). YUV: luma is kept and every
 * chroma sample set to 128, the neutral value, so only the chroma bytes are
 * written. XRGB8888/ARGB8888: libyuv's ARGBGray (BT.601 luma weights).
 */
class GrayscaleStage : public Stage
{
public:
	std::string describe() const override { return "grayscale"; }
	Kind kind() const override { return Kind::InPlace; }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override;

	static bool supports(const PixelFormatInfo &format);

private:
	MappedBuffers maps_;
};

} /* namespace primecam */
