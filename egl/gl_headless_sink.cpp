/* SPDX-License-Identifier: MIT */
#include "egl/gl_headless_sink.h"

#include <cerrno>
#include <cstdio>

#include <sys/epoll.h>

#include "pipeline/stats.h"

namespace primecam {

GlHeadlessSink::GlHeadlessSink(GlSinkConfig config) : config_(std::move(config))
{}

GlHeadlessSink::~GlHeadlessSink()
{
	stop();
	if (display_ && display_->makeCurrent()) {
		renderer_.reset();
		fbo_.reset();
		colour_.reset();
	}
}

std::string GlHeadlessSink::describe() const
{
	std::string where = display_ ? display_->describe()
			    : config_.platform == GlSinkConfig::Platform::Gbm
				    ? "gbm " + config_.card
				    : "surfaceless";
	std::string text = "gl-headless " + where;
	if (width_)
		text += " " + std::to_string(width_) + "x" + std::to_string(height_);
	return text;
}

Result<void> GlHeadlessSink::configure(std::span<const FrameBuffer> buffers)
{
	if (!display_) {
		/* eglInitialize is the slow part (seconds under emulation): once
		 * per sink, not per configure. */
		Result<std::unique_ptr<EglDisplay>> display =
			EglDisplay::open(config_.platform == GlSinkConfig::Platform::Gbm
						 ? EglDisplay::Platform::Gbm
						 : EglDisplay::Platform::Surfaceless,
					 config_.card);
		if (!display)
			return Error{display.error().code,
				     "gl-headless: " + display.error().message};
		display_ = std::move(*display);
		renderer_ = std::make_unique<FrameRenderer>(*display_);
	}
	Result<void> current = display_->makeCurrent();
	if (!current)
		return current;
	Result<void> ret = renderer_->configure(buffers, config_);
	if (!ret)
		return Error{ret.error().code, describe() + ": " + ret.error().message};

	width_ = config_.width ? config_.width : buffers.front().width;
	height_ = config_.height ? config_.height : buffers.front().height;
	colour_ = GlRenderbuffer::create();
	glBindRenderbuffer(GL_RENDERBUFFER, colour_.get());
	glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, static_cast<GLsizei>(width_),
			      static_cast<GLsizei>(height_));
	fbo_ = GlFramebuffer::create();
	glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
				  colour_.get());
	GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
	if (status != GL_FRAMEBUFFER_COMPLETE)
		return Error{EIO, describe() + ": framebuffer object incomplete (status 0x" +
					  std::to_string(status) + ")"};

	glViewport(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_));
	ret = renderer_->warmUp(buffers.front());
	if (!ret)
		return Error{ret.error().code, describe() + ": " + ret.error().message};

	/* Never silent: a copy instead of zero-copy is said once, here, and
	 * counted per frame in the stats. */
	if (renderer_->uploading() && !announced_) {
		fprintf(stderr, "primecam: %s: %s\n", describe().c_str(),
			renderer_->pathNote().c_str());
		announced_ = true;
	}
	return {};
}

Result<void> GlHeadlessSink::start(EventLoop &loop, SinkStats &stats)
{
	loop_ = &loop;
	stats_ = &stats;
	return {};
}

int GlHeadlessSink::fail(const Error &error)
{
	lastError_ = error;
	return -error.code;
}

int GlHeadlessSink::consume(FrameRef frame)
{
	++stats_->received;
	if (busy_) {
		/* The GPU is still on the last frame: keep the newest only. */
		if (waiting_)
			stats_->drop(DropReason::DisplayBehind);
		waiting_ = std::move(frame);
		return 0;
	}
	return render(std::move(frame));
}

int GlHeadlessSink::render(FrameRef frame)
{
	if (!display_->makeCurrent()) {
		stats_->drop(DropReason::SinkError);
		return fail(Error{EIO, describe() + ": eglMakeCurrent failed"});
	}
	glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
	glViewport(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_));
	Result<bool> drawn = renderer_->draw(frame.buffer());
	if (!drawn) {
		/* A draw that fails (a lost context, a refused upload) fails
		 * the next one too: stop the pipeline, naming why. */
		stats_->drop(DropReason::SinkError);
		return fail(Error{drawn.error().code, describe() + ": " + drawn.error().message});
	}
	if (*drawn) {
		/* Uploaded: GL copied the pixels already, so the buffer can go
		 * back to the camera now. */
		++stats_->copies;
	}
	inFlightMeta_ = frame.metadata();
	if (!*drawn)
		inFlight_ = std::move(frame);
	else
		frame.reset();
	busy_ = true;

	/* Released when the GPU is done with it (GpuFence says how). */
	fence_.arm(*display_, *loop_);
	return 0;
}

void GlHeadlessSink::finishInFlight()
{
	fence_.cancel();
	inFlight_.reset();
	busy_ = false;
}

void GlHeadlessSink::onGpuDone()
{
	finishInFlight();
	++stats_->displayed;
	stats_->latency.add(monotonicNowNs() - inFlightMeta_.timestampNs);
	lastSequence_ = inFlightMeta_.sequence;
	/* An error here stops nothing by itself: lastError() has it, and the
	 * next consume() of the same broken draw returns it. */
	if (waiting_)
		render(std::move(waiting_));
}

void GlHeadlessSink::stop()
{
	if (busy_) {
		if (display_ && display_->makeCurrent())
			glFinish();
		finishInFlight();
		if (stats_) {
			++stats_->displayed;
			lastSequence_ = inFlightMeta_.sequence;
		}
	}
	/* Received, never drawn: every frame is accounted for. */
	if (waiting_ && stats_)
		stats_->drop(DropReason::Stopped);
	waiting_.reset();
}

Result<Image> GlHeadlessSink::readPixels()
{
	if (!display_ || !fbo_)
		return Error{EINVAL, "gl-headless: not configured"};
	Result<void> current = display_->makeCurrent();
	if (!current)
		return std::move(current).error();
	Image image;
	image.format = formatByName("XBGR8888");
	image.width = width_;
	image.height = height_;
	image.stride = width_ * 4;
	image.data.resize(static_cast<size_t>(image.stride) * height_);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
	glPixelStorei(GL_PACK_ALIGNMENT, 1);
	/* Row 0 of GL is row 0 of the frame (see FrameRenderer): no flip. */
	glReadPixels(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_), GL_RGBA,
		     GL_UNSIGNED_BYTE, image.data.data());
	if (GLenum error = glGetError(); error != GL_NO_ERROR)
		return Error{EIO, "gl-headless: glReadPixels failed"};
	return image;
}

} /* namespace primecam */
