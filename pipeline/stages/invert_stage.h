/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>

#include "pipeline/stage.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Inverts every colour sample in place (READ_WRITE access): 255 - v for RGB
 * channels, luma and chroma alike, leaving X and alpha bytes alone. Works on
 * every format in the table; the point is a visible, exactly checkable
 * change (the writeback of an inverted XRGB8888 frame is its bitwise
 * complement with the X byte masked).
 */
class InvertStage : public Stage
{
public:
	std::string describe() const override { return "invert"; }
	Kind kind() const override { return Kind::InPlace; }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override;

	/* XOR pattern for the 4-byte groups of a line of format: 0xff for
	 * a colour byte, 0 for X/alpha. Exposed for the unit tests. */
	static std::array<uint8_t, 4> maskFor(const PixelFormatInfo &format);

private:
	MappedBuffers maps_;
	std::array<uint8_t, 4> mask_ = {};
};

} /* namespace primecam */
