/* SPDX-License-Identifier: MIT */
#include "egl/gl_composed_sink.h"

namespace primecam {

GlComposedSink::GlComposedSink(const KmsSinkConfig &kms, GlSinkConfig gl,
			       std::shared_ptr<GlComposition> composition)
	: gl_(std::move(gl)), composition_(std::move(composition)), index_(composition_->join(kms))
{
	/* GL renders on the card that scans out, as for GlKmsSink. */
	gl_.platform = GlSinkConfig::Platform::Gbm;
	gl_.card = kms.card;
}

GlComposedSink::~GlComposedSink()
{
	/* Its renderer holds EGLImages of its source's buffers: gone with
	 * the sink, not with the last member. */
	composition_->leave(index_);
}

std::string GlComposedSink::describe() const
{
	return composition_->describe(index_);
}

Result<void> GlComposedSink::configure(std::span<const FrameBuffer> buffers)
{
	return composition_->configure(index_, buffers, gl_);
}

Result<void> GlComposedSink::start(EventLoop &loop, SinkStats &stats)
{
	return composition_->start(index_, loop, stats);
}

int GlComposedSink::consume(FrameRef frame)
{
	return composition_->consume(index_, std::move(frame));
}

void GlComposedSink::stop()
{
	composition_->stop(index_);
}

const std::optional<Error> &GlComposedSink::lastError() const
{
	return composition_->lastError();
}

} /* namespace primecam */
