/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include "pipeline/buffer_allocator.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/stage.h"
#include "pipeline/stages/image_scale.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Scales every frame to a fixed size into a buffer of its own pool, with
 * libyuv, converting the format on the way when asked: the CPU fallback
 * when the display's plane cannot scale (vkms's cannot) and no V4L2
 * mem2mem scaler (an m2m stage) is at hand. Like the convert stage, its
 * pool comes from an allocator chosen for the sinks, so the display side
 * stays zero-copy, and its one CPU pass per frame is counted as a
 * conversion.
 *
 * Access: READ on the input, WRITE on the output, one bracket each.
 */
class ScaleStage : public Stage
{
public:
	/* target: the format to write; null writes the input's, when it is one
	 * convertImage() writes. */
	ScaleStage(uint32_t width, uint32_t height, const PixelFormatInfo *target,
		   YuvEncodingChoice encoding, BufferAllocator allocator, uint32_t buffers);

	/* "scale XRGB8888 320x180 -> XRGB8888 640x360 (bilinear) into 4 x ...
	 * in dumb buffers on /dev/dri/card0 (vkms)" */
	std::string describe() const override;
	Kind kind() const override { return Kind::Converting; }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	BufferPool *outputPool() override { return pool_.get(); }
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override;

private:
	uint32_t width_;
	uint32_t height_;
	/* The config's format (null: the input's), and the one written once
	 * configured. */
	const PixelFormatInfo *format_;
	const PixelFormatInfo *target_ = nullptr;
	const PixelFormatInfo *source_ = nullptr;
	uint32_t sourceWidth_ = 0;
	uint32_t sourceHeight_ = 0;
	YuvEncodingChoice choice_;
	YuvEncoding frameEncoding_;
	YuvEncoding encoding_;
	BufferAllocator allocator_;
	uint32_t buffers_;
	std::unique_ptr<BufferPool> pool_;
	MappedBuffers inputMaps_;
	MappedBuffers outputMaps_;
	ScaleScratch scratch_;
};

} /* namespace primecam */
