/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include "pipeline/buffer_allocator.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/stage.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Converts every frame into a buffer of its own pool, in a format the sinks
 * take (vkms scans out no YUV; most planes no 24-bit RGB), with libyuv. The
 * pool comes from an allocator chosen for the sinks (dumb buffers on the
 * display card), so the display side stays zero-copy: the conversion is the
 * one CPU pass, counted in the stats as a conversion.
 *
 * YUV is read with the encoding the input frames carry (the producer's
 * colorimetry), unless the config names a matrix or range.
 *
 * Access: READ on the input, WRITE on the output, one bracket each.
 */
class ConvertStage : public Stage
{
public:
	ConvertStage(const PixelFormatInfo &target, YuvEncodingChoice encoding,
		     BufferAllocator allocator, uint32_t buffers);

	/* "convert YUYV -> XRGB8888 (bt601 limited, as the frames say) into
	 * 4 x ... in dumb buffers on /dev/dri/card0 (vkms)" */
	std::string describe() const override;
	Kind kind() const override { return Kind::Converting; }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	BufferPool *outputPool() override { return pool_.get(); }
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override;

	const PixelFormatInfo &target() const { return target_; }

private:
	const PixelFormatInfo &target_;
	const PixelFormatInfo *source_ = nullptr;
	/* The config's say, and what it makes of the input's encoding. */
	YuvEncodingChoice choice_;
	YuvEncoding frameEncoding_;
	YuvEncoding encoding_;
	BufferAllocator allocator_;
	uint32_t buffers_;
	std::unique_ptr<BufferPool> pool_;
	MappedBuffers inputMaps_;
	MappedBuffers outputMaps_;
};

} /* namespace primecam */
