/* SPDX-License-Identifier: MIT */
#include "egl/gl_kms_sink.h"

#include <algorithm>
#include <cerrno>
#include <tuple>

#include <drm_fourcc.h>
#include <sys/epoll.h>

#include "alloc/dumb_allocator.h"
#include "drm/card.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"
#include "egl/gl_output_mode.h"
#include "pipeline/stats.h"

namespace primecam {

GlKmsSink::GlKmsSink(KmsSinkConfig kms, GlSinkConfig gl)
	: kmsConfig_(std::move(kms)), glConfig_(std::move(gl)),
	  kms_(std::make_unique<KmsSink>(kmsConfig_))
{
	/* GL renders on the card that scans out: its own buffers are the ones
	 * every driver imports for real (see EglCaps::softwareRenderer). */
	glConfig_.platform = GlSinkConfig::Platform::Gbm;
	glConfig_.card = kmsConfig_.card;
}

GlKmsSink::~GlKmsSink()
{
	stop();
	/* The display first: it lets go of the output buffers. */
	kms_.reset();
	if (display_ && display_->makeCurrent()) {
		renderer_.reset();
		targets_.clear();
	}
}

std::string GlKmsSink::describe() const
{
	std::string text = "gl-kms";
	if (width_)
		text += " " + std::to_string(width_) + "x" + std::to_string(height_);
	return text + " on " + kms_->describe();
}

const std::optional<Error> &GlKmsSink::lastError() const
{
	return lastError_ ? lastError_ : kms_->lastError();
}

Result<void> GlKmsSink::chooseSize(std::span<const FrameBuffer> buffers)
{
	if (glConfig_.width) {
		width_ = glConfig_.width;
		height_ = glConfig_.height;
		return {};
	}
	width_ = buffers.front().width;
	height_ = buffers.front().height;
	if (kmsConfig_.placement != KmsSinkConfig::Placement::Fullscreen)
		return {};

	/* Full screen: draw at the mode's size, chosen as the kms sink would
	 * for a frame of the input's size. */
	Result<std::pair<uint32_t, uint32_t>> size =
		glOutputModeSize(*kms_, kmsConfig_, width_, height_);
	if (!size)
		return std::move(size).error();
	std::tie(width_, height_) = *size;
	return {};
}

Result<void> GlKmsSink::configure(std::span<const FrameBuffer> buffers)
{
	if (buffers.empty())
		return Error{EINVAL, describe() + ": the source has no buffers"};
	if (!display_) {
		/* eglInitialize is the slow part (seconds under emulation): once
		 * per sink, not per configure. */
		Result<std::unique_ptr<EglDisplay>> display =
			EglDisplay::open(EglDisplay::Platform::Gbm, kmsConfig_.card);
		if (!display)
			return Error{display.error().code, "gl-kms: " + display.error().message};
		display_ = std::move(*display);
		renderer_ = std::make_unique<FrameRenderer>(*display_);
	}
	Result<void> ret = display_->makeCurrent();
	if (!ret)
		return ret;
	ret = renderer_->configure(buffers, glConfig_);
	if (!ret)
		return Error{ret.error().code, describe() + ": " + ret.error().message};

	ret = chooseSize(buffers);
	if (!ret)
		return Error{ret.error().code, "gl-kms: " + ret.error().message};

	/* Allocated once, here (and again only if the size changed): the
	 * display imports each of them once too. */
	if (!pool_ || pool_->buffers().front().width != width_ ||
	    pool_->buffers().front().height != height_) {
		targets_.clear();
		pool_.reset();
		Result<BufferAllocator> allocator = makeDumbAllocator(kmsConfig_.card);
		if (!allocator)
			return Error{allocator.error().code,
				     "gl-kms: " + allocator.error().message};
		Result<std::unique_ptr<BufferPool>> pool = BufferPool::create(
			*allocator, *formatByName("XRGB8888"), width_, height_, kOutputBuffers);
		if (!pool)
			return Error{pool.error().code, "gl-kms: " + pool.error().message};
		pool_ = std::move(*pool);
		ret = targets_.make(*display_, *pool_, describe());
		if (!ret)
			return ret;
	}

	ret = kms_->configure(pool_->buffers());
	if (!ret)
		return Error{ret.error().code, "gl-kms: " + ret.error().message};

	glBindFramebuffer(GL_FRAMEBUFFER, targets_.fbo(0));
	glViewport(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_));
	return warmUp_.run(*renderer_, buffers.front(), describe());
}

Result<void> GlKmsSink::start(EventLoop &loop, SinkStats &stats)
{
	/* One account for the sink: the display's flips are what the user
	 * sees, so displayed and latency come from them. */
	Result<void> ret = kms_->start(loop, stats);
	if (!ret)
		return ret;
	loop_ = &loop;
	stats_ = &stats;
	fatal_ = 0;
	lastError_.reset();
	return {};
}

int GlKmsSink::fail(const Error &error)
{
	lastError_ = error;
	return -error.code;
}

int GlKmsSink::consume(FrameRef frame)
{
	if (fatal_)
		return fatal_;
	if (busy_ || pool_->freeCount() == 0) {
		/* Keep the newest only. The frame that waited never reaches
		 * the display, whose count of received frames it is not in. */
		if (waiting_) {
			++stats_->received;
			stats_->drop(DropReason::DisplayBehind);
		}
		waiting_ = std::move(frame);
		return 0;
	}
	return render(std::move(frame));
}

int GlKmsSink::render(FrameRef frame)
{
	FrameRef output = pool_->acquire(frame.metadata());
	if (!output) {
		/* Not with kOutputBuffers buffers; should a display hold more,
		 * the frame waits for the next consume(). */
		waiting_ = std::move(frame);
		return 0;
	}
	if (!display_->makeCurrent()) {
		++stats_->received;
		stats_->drop(DropReason::SinkError);
		return fail(Error{EIO, describe() + ": eglMakeCurrent failed"});
	}
	glBindFramebuffer(GL_FRAMEBUFFER, targets_.fbo(output.buffer().index));
	glViewport(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_));
	glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);

	/* Scaled to fit, keeping the aspect ratio: black bars on the sides
	 * or above and below (the clear above). */
	const FrameBuffer &in = frame.buffer();
	uint64_t byWidth = uint64_t{width_} * in.height;
	uint64_t byHeight = uint64_t{height_} * in.width;
	uint32_t w = width_, h = height_;
	if (byWidth > byHeight)
		w = static_cast<uint32_t>(byHeight / in.height);
	else if (byWidth < byHeight)
		h = static_cast<uint32_t>(byWidth / in.width);
	glViewport(static_cast<GLint>((width_ - w) / 2), static_cast<GLint>((height_ - h) / 2),
		   static_cast<GLsizei>(w), static_cast<GLsizei>(h));

	Result<bool> drawn = renderer_->draw(in);
	if (!drawn) {
		/* A draw that fails (a lost context, a refused upload) fails
		 * the next one too: stop the pipeline, naming why. */
		++stats_->received;
		stats_->drop(DropReason::SinkError);
		return fail(Error{drawn.error().code, describe() + ": " + drawn.error().message});
	}
	if (*drawn) {
		/* Uploaded: GL copied the pixels already, so the buffer can go
		 * back to the camera now. */
		++stats_->copies;
		frame.reset();
	}
	inFlight_ = std::move(frame);
	outFlight_ = std::move(output);
	busy_ = true;

	/* The output buffer may go to the display, and the input back to
	 * the camera, only once the GPU has finished the draw. */
	fence_.arm(*display_, *loop_);
	return fatal_;
}

void GlKmsSink::finishInFlight()
{
	fence_.cancel();
	inFlight_.reset();
	busy_ = false;
}

void GlKmsSink::onGpuDone()
{
	finishInFlight();
	/* Drawn: the display takes the output buffer (counting it received,
	 * and displayed at its page flip). */
	int ret = kms_->consume(std::move(outFlight_));
	if (ret < 0) {
		/* The display is gone for good: the next consume() says so. */
		fatal_ = ret;
		waiting_.reset();
		return;
	}
	/* An error here stops nothing by itself: lastError() has it, and the
	 * next consume() of the same broken draw returns it. */
	if (waiting_ && pool_->freeCount() > 0)
		render(std::move(waiting_));
}

void GlKmsSink::stop()
{
	/* Frames the display never received: counted here, as received
	 * and dropped (the drawn one, and the one that waited for the GPU). */
	auto drop = [this](bool frame) {
		if (frame && stats_) {
			++stats_->received;
			stats_->drop(DropReason::Stopped);
		}
	};
	if (busy_) {
		if (display_ && display_->makeCurrent())
			glFinish();
		finishInFlight();
		drop(static_cast<bool>(outFlight_));
		outFlight_.reset();
	}
	drop(static_cast<bool>(waiting_));
	waiting_.reset();
	kms_->stop();
	loop_ = nullptr;
}

} /* namespace primecam */
