/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/convert_stage.h"

#include <cerrno>

#include "pipeline/stages/frame_sync.h"

namespace primecam {

ConvertStage::ConvertStage(const PixelFormatInfo &target, YuvEncodingChoice encoding,
			   BufferAllocator allocator, uint32_t buffers)
	: target_(target), choice_(encoding), allocator_(std::move(allocator)), buffers_(buffers)
{}

std::string ConvertStage::describe() const
{
	std::string text = "convert ";
	text += source_ ? std::string(source_->name) : "?";
	text += " -> " + std::string(target_.name);
	if (source_ && source_->yuv)
		text += " (" + choice_.describeFor(frameEncoding_) + ")";
	text += " into " + (pool_ ? pool_->describe() : allocator_.name);
	return text;
}

Result<void> ConvertStage::configure(std::span<const FrameBuffer> input)
{
	if (input.empty())
		return Error::fromErrno(EINVAL, "convert: no buffers");
	const FrameBuffer &first = input.front();
	source_ = first.format;
	frameEncoding_ = first.encoding;
	encoding_ = choice_.applyTo(first.encoding);
	if (!canConvert(*source_, target_, encoding_)) {
		std::string targets;
		for (const PixelFormatInfo *t : conversionTargets())
			if (canConvert(*source_, *t, encoding_))
				targets += (targets.empty() ? "" : ", ") + std::string(t->name);
		return Error::fromErrno(
			ENOTSUP,
			"convert: " + std::string(source_->name) + " -> " +
				std::string(target_.name) +
				(source_->yuv ? " in " + primecam::describe(encoding_)
					      : std::string()) +
				" is not supported; from " + std::string(source_->name) +
				" it can write: " + (targets.empty() ? "nothing" : targets));
	}
	Result<void> ret = inputMaps_.map(input, Mapping::Read);
	if (!ret)
		return ret;

	Result<std::unique_ptr<BufferPool>> pool =
		BufferPool::create(allocator_, target_, first.width, first.height, buffers_);
	if (!pool)
		return Error{pool.error().code, "convert: " + pool.error().message};
	pool_ = std::move(*pool);
	return outputMaps_.map(pool_->buffers(), Mapping::Write);
}

int ConvertStage::process(const FrameBuffer &in, const FrameMetadata &, const FrameBuffer *out,
			  StageWork &work)
{
	if (!out)
		return -EINVAL;
	return convertingPass(in, *out, work, sync_, [&] {
		return convertImage(inputMaps_.view(in), outputMaps_.view(*out), encoding_);
	});
}

} /* namespace primecam */
