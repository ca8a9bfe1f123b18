/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include "pipeline/stage.h"

namespace primecam {

/*
 * VerifyFault::ChromaOffset: a CPU stage given frames whose chroma plane is
 * described 16 chroma lines before where the producer put it, as a buffer
 * description recomputed from the format (instead of taken from the
 * kernel's numbers) would. The colours of the top lines come from luma, and
 * every chroma line from 16 lines further down. Wraps the stage; only
 * buffer descriptions change, no pixel.
 */
class MisstatedOffsetStage : public Stage
{
public:
	/* Whether frames of this layout have a chroma plane to misstate: a
	 * second colour plane at least 16 of its lines into its buffer. */
	static bool applies(const FrameBuffer &layout);

	explicit MisstatedOffsetStage(std::unique_ptr<Stage> stage) : stage_(std::move(stage)) {}

	std::string describe() const override
	{
		return stage_->describe() + " (chroma offset misstated)";
	}
	Kind kind() const override { return stage_->kind(); }
	Result<void> configure(std::span<const FrameBuffer> input) override;
	BufferPool *outputPool() override { return stage_->outputPool(); }
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override
	{
		return stage_->process(misstated(in), metadata, out, work);
	}

private:
	static FrameBuffer misstated(const FrameBuffer &buffer);

	std::unique_ptr<Stage> stage_;
};

} /* namespace primecam */
