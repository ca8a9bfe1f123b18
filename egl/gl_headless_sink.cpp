/* SPDX-License-Identifier: MIT */
#include "egl/gl_headless_sink.h"

#include <cerrno>

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
	return warmUp_.run(*renderer_, buffers.front(), describe());
}

Result<void> GlHeadlessSink::start(EventLoop &loop, SinkStats &stats)
{
	frames_.start(*display_, loop, stats);
	return {};
}

int GlHeadlessSink::consume(FrameRef frame)
{
	return frames_.consume(std::move(frame));
}

Result<bool> GlHeadlessSink::draw(const FrameBuffer &buffer)
{
	if (!display_->makeCurrent())
		return Error{EIO, describe() + ": eglMakeCurrent failed"};
	glBindFramebuffer(GL_FRAMEBUFFER, fbo_.get());
	glViewport(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_));
	Result<bool> drawn = renderer_->draw(buffer);
	if (!drawn)
		return Error{drawn.error().code, describe() + ": " + drawn.error().message};
	return drawn;
}

void GlHeadlessSink::stop()
{
	frames_.stop();
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
