/* SPDX-License-Identifier: MIT */
#pragma once

#include <string_view>

#include "pipeline/stage.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Burns the frame's sequence number and capture timestamp into its top-left
 * corner, in place (READ_WRITE access): "#000123 4711.042s", white on a
 * black box, so that a snapshot or a recording says which frame it is.
 * Written into the luma samples of YUV formats and the colour bytes of RGB
 * formats (X and alpha untouched).
 */
class OverlayStage : public Stage
{
public:
	/* Each font pixel becomes scale x scale image pixels. */
	explicit OverlayStage(unsigned scale = 2) : scale_(scale ? scale : 1) {}

	std::string describe() const override { return "overlay"; }
	Kind kind() const override { return Kind::InPlace; }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override;

	static bool supports(const PixelFormatInfo &format);
	/* The text for a frame, into buf (no allocation); its length. */
	static size_t formatText(const FrameMetadata &metadata, char *buf, size_t size);
	/* Draws text at (x, y) of view (the stage without the sync), for the
	 * unit tests; clipped to the image. */
	static void draw(const ImageView &view, std::string_view text, uint32_t x, uint32_t y,
			 unsigned scale);

private:
	MappedBuffers maps_;
	unsigned scale_;
};

} /* namespace primecam */
