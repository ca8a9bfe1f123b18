/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "drm/kms_sink_config.h"
#include "egl/gl_composition.h"
#include "egl/gl_sink_config.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * One source's part of a gl-kms layout: a gl-kms sink with layout = "mosaic"
 * or "pip", whose frames the card's GlComposition draws into its cell of the
 * one output buffer. Every Sink call goes to the composition, naming this
 * member; the composition outlives the last of them.
 */
class GlComposedSink : public Sink
{
public:
	GlComposedSink(const KmsSinkConfig &kms, GlSinkConfig gl,
		       std::shared_ptr<GlComposition> composition);
	~GlComposedSink() override;
	GlComposedSink(const GlComposedSink &) = delete;
	GlComposedSink &operator=(const GlComposedSink &) = delete;

	/* "gl-kms mosaic cell 2 of 9 at 320x180+692+38 of 1024x768 on kms ..." */
	std::string describe() const override;
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	void stop() override;
	const std::optional<Error> &lastError() const override;

	GlComposition &composition() { return *composition_; }
	size_t index() const { return index_; }

private:
	GlSinkConfig gl_;
	std::shared_ptr<GlComposition> composition_;
	size_t index_;
};

} /* namespace primecam */
