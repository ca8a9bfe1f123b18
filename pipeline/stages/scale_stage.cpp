/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/scale_stage.h"

#include <cerrno>

#include "pipeline/stages/frame_sync.h"
#include "pipeline/stages/image_convert.h"

namespace primecam {

namespace {

std::string sizeName(uint32_t width, uint32_t height)
{
	return std::to_string(width) + "x" + std::to_string(height);
}

bool isTarget(const PixelFormatInfo &format)
{
	for (const PixelFormatInfo *t : conversionTargets())
		if (t == &format)
			return true;
	return false;
}

} /* namespace */

ScaleStage::ScaleStage(uint32_t width, uint32_t height, const PixelFormatInfo *target,
		       YuvEncodingChoice encoding, BufferAllocator allocator, uint32_t buffers)
	: width_(width), height_(height), format_(target), choice_(encoding),
	  allocator_(std::move(allocator)), buffers_(buffers)
{}

std::string ScaleStage::describe() const
{
	std::string text = "scale ";
	text += source_ ? std::string(source_->name) + " " + sizeName(sourceWidth_, sourceHeight_)
			: "?";
	const PixelFormatInfo *written = target_ ? target_ : format_;
	text += " -> " + (written ? std::string(written->name) : std::string("?")) + " " +
		sizeName(width_, height_) + " (bilinear";
	if (source_ && source_->yuv)
		text += ", " + choice_.describeFor(frameEncoding_);
	text += ") into " + (pool_ ? pool_->describe() : allocator_.name);
	return text;
}

Result<void> ScaleStage::configure(std::span<const FrameBuffer> input)
{
	if (input.empty())
		return Error::fromErrno(EINVAL, "scale: no buffers");
	const FrameBuffer &first = input.front();
	source_ = first.format;
	sourceWidth_ = first.width;
	sourceHeight_ = first.height;
	frameEncoding_ = first.encoding;
	encoding_ = choice_.applyTo(first.encoding);

	std::string targets;
	for (const PixelFormatInfo *t : conversionTargets())
		if (canScale(*source_, *t, encoding_))
			targets += (targets.empty() ? "" : ", ") + std::string(t->name);
	target_ = format_;
	if (!target_) {
		/* No format in the config: the input's, which the sinks
		 * already take, when the scaler can write it. */
		if (!isTarget(*source_))
			return Error::fromErrno(ENOTSUP,
						"scale: cannot write the input's format " +
							std::string(source_->name) +
							"; set format to one it writes from it: " +
							(targets.empty() ? "none" : targets));
		target_ = source_;
	}
	if (!canScale(*source_, *target_, encoding_))
		return Error::fromErrno(
			ENOTSUP,
			"scale: " + std::string(source_->name) + " -> " +
				std::string(target_->name) +
				(source_->yuv ? " in " + primecam::describe(encoding_)
					      : std::string()) +
				" is not supported; from " + std::string(source_->name) +
				" it can write: " + (targets.empty() ? "nothing" : targets));

	Result<void> ret = inputMaps_.map(input, Mapping::Read);
	if (!ret)
		return ret;
	Result<std::unique_ptr<BufferPool>> pool =
		BufferPool::create(allocator_, *target_, width_, height_, buffers_);
	if (!pool)
		return Error{pool.error().code, "scale: " + pool.error().message};
	pool_ = std::move(*pool);
	ret = outputMaps_.map(pool_->buffers(), Mapping::Write);
	if (!ret)
		return ret;
	/* The intermediate images, once: every frame has this size and format. */
	scratch_.reserve({source_, sourceWidth_, sourceHeight_, {}}, {target_, width_, height_, {}},
			 encoding_);
	return {};
}

int ScaleStage::process(const FrameBuffer &in, const FrameMetadata &, const FrameBuffer *out,
			StageWork &work)
{
	if (!out)
		return -EINVAL;
	return convertingPass(in, *out, work, sync_, [&] {
		return scaleImage(inputMaps_.view(in), outputMaps_.view(*out), encoding_, scratch_);
	});
}

} /* namespace primecam */
