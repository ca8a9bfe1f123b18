/* SPDX-License-Identifier: MIT */
#include "egl/gl_composition.h"

#include <algorithm>
#include <cerrno>
#include <tuple>

#include <drm_fourcc.h>

#include "alloc/dumb_allocator.h"
#include "drm/card.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"
#include "egl/gl_output_mode.h"

namespace primecam {

namespace {

/* The inner display shows one buffer over the whole screen. */
KmsSinkConfig fullScreen(KmsSinkConfig config)
{
	config.placement = KmsSinkConfig::Placement::Fullscreen;
	config.cell = 0;
	config.cells = 1;
	return config;
}

const char *layoutName(KmsSinkConfig::Placement placement)
{
	return placement == KmsSinkConfig::Placement::Pip ? "pip" : "mosaic";
}

} /* namespace */

GlComposition::GlComposition(KmsSinkConfig display)
	: displayConfig_(fullScreen(std::move(display))),
	  kms_(std::make_unique<KmsSink>(displayConfig_))
{
	outputStats_.name = "gl-kms composition";
	kms_->setOnQueueMoved([this](std::optional<int64_t> at) { queueMoved(at); });
}

GlComposition::~GlComposition()
{
	fence_.cancel();
	outFlight_.reset();
	for (Member &member : members_) {
		member.inFlight.reset();
		member.frame.reset();
	}
	/* The display first: it lets go of the output buffers. */
	kms_.reset();
	if (display_ && display_->makeCurrent()) {
		for (Member &member : members_)
			member.renderer.reset();
		targets_.clear();
	}
}

size_t GlComposition::join(const KmsSinkConfig &config)
{
	Member &member = members_.emplace_back();
	member.config = config;
	return members_.size() - 1;
}

std::string GlComposition::describe(size_t index) const
{
	const Member &member = members_.at(index);
	std::string text = "gl-kms " + std::string(layoutName(member.config.placement)) + " cell " +
			   std::to_string(member.config.cell) + " of " +
			   std::to_string(member.config.cells);
	if (member.rect.width)
		text += " at " + member.rect.describe();
	if (width_)
		text += " of " + std::to_string(width_) + "x" + std::to_string(height_);
	return text + " on " + kms_->describe();
}

int GlComposition::fail(const Error &error)
{
	lastError_ = error;
	return -error.code;
}

/*
 * The output is the mode's size. Without a mode in the config, the mode
 * chosen is the one a kms sink would take for a frame the size of the whole
 * layout at the first camera's frame size (a mode that fits the mosaic
 * exactly, if the connector has one, else the preferred one), asked as
 * glOutputModeSize() says.
 */
Result<void> GlComposition::chooseSize(const FrameBuffer &first, const KmsSinkConfig &member)
{
	uint32_t w = first.width, h = first.height;
	if (member.placement == KmsSinkConfig::Placement::Mosaic) {
		uint32_t cols = 1;
		while (uint64_t{cols} * cols < member.cells)
			++cols;
		w *= cols;
		h *= (member.cells + cols - 1) / cols;
	}
	Result<std::pair<uint32_t, uint32_t>> size = glOutputModeSize(*kms_, displayConfig_, w, h);
	if (!size)
		return std::move(size).error();
	std::tie(width_, height_) = *size;
	return {};
}

/* Once for the composition: the EGL display (its eglInitialize is the slow
 * part), the output buffers, their render targets and the inner display,
 * which imports each of them once. */
Result<void> GlComposition::openDisplay(std::span<const FrameBuffer> buffers)
{
	Result<std::unique_ptr<EglDisplay>> display =
		EglDisplay::open(EglDisplay::Platform::Gbm, displayConfig_.card);
	if (!display)
		return Error{display.error().code, "gl-kms: " + display.error().message};
	display_ = std::move(*display);
	Result<void> ret = display_->makeCurrent();
	if (!ret)
		return ret;
	ret = chooseSize(buffers.front(), members_.front().config);
	if (!ret)
		return Error{ret.error().code, "gl-kms: " + ret.error().message};
	Result<BufferAllocator> allocator = makeDumbAllocator(displayConfig_.card);
	if (!allocator)
		return Error{allocator.error().code, "gl-kms: " + allocator.error().message};
	Result<std::unique_ptr<BufferPool>> pool = BufferPool::create(
		*allocator, *formatByName("XRGB8888"), width_, height_, kOutputBuffers);
	if (!pool)
		return Error{pool.error().code, "gl-kms: " + pool.error().message};
	pool_ = std::move(*pool);
	drawnInto_.assign(pool_->buffers().size(), {});
	ret = targets_.make(*display_, *pool_, "gl-kms composition");
	if (!ret)
		return ret;
	ret = kms_->configure(pool_->buffers());
	if (!ret)
		return Error{ret.error().code, "gl-kms: " + ret.error().message};
	return {};
}

Result<void> GlComposition::configure(size_t index, std::span<const FrameBuffer> buffers,
				      const GlSinkConfig &gl)
{
	if (buffers.empty())
		return Error{EINVAL, describe(index) + ": the source has no buffers"};
	if (!pool_) {
		Result<void> ret = openDisplay(buffers);
		if (!ret) {
			/* The next member's configure tries again from scratch. */
			kms_ = std::make_unique<KmsSink>(displayConfig_);
			kms_->setOnQueueMoved(
				[this](std::optional<int64_t> at) { queueMoved(at); });
			targets_.clear();
			pool_.reset();
			display_.reset();
			return ret;
		}
	}
	Result<void> ret = display_->makeCurrent();
	if (!ret)
		return ret;
	Member &member = members_.at(index);
	/* Its old textures may be in the draw on the GPU. */
	if (busy_)
		glFinish();
	if (!member.renderer)
		member.renderer = std::make_unique<FrameRenderer>(*display_);
	ret = member.renderer->configure(buffers, gl);
	if (!ret)
		return Error{ret.error().code, describe(index) + ": " + ret.error().message};
	Result<ScreenRect> rect = placeComposed(member.config, width_, height_,
						buffers.front().width, buffers.front().height);
	if (!rect)
		return Error{rect.error().code, describe(index) + ": " + rect.error().message};
	member.rect = *rect;

	/* The warm-up draws into an output buffer nobody holds: a member
	 * configured again while the others stream must not scribble on
	 * the one on screen. (Four buffers, at most three held.) */
	FrameRef scratch = pool_->acquire(FrameMetadata{});
	if (!scratch)
		return Error{EBUSY, describe(index) + ": every output buffer is held"};
	glBindFramebuffer(GL_FRAMEBUFFER, targets_.fbo(scratch.buffer().index));
	glViewport(member.rect.x, member.rect.y, static_cast<GLsizei>(member.rect.width),
		   static_cast<GLsizei>(member.rect.height));
	return member.warmUp.run(*member.renderer, buffers.front(), describe(index));
}

Result<void> GlComposition::start(size_t index, EventLoop &loop, SinkStats &stats)
{
	Member &member = members_.at(index);
	if (member.stats)
		return Error{EINVAL, describe(index) + ": started twice"};
	if (!pool_)
		return Error{EINVAL, describe(index) + ": not configured"};
	if (started_ == 0) {
		/* The output frames' own account, over the whole run; the
		 * members' stats count their sources' frames. */
		Result<void> ret = kms_->start(loop, outputStats_);
		if (!ret)
			return ret;
		loop_ = &loop;
		fatal_ = 0;
		lastError_.reset();
	} else if (&loop != loop_) {
		return Error{EINVAL, describe(index) + ": the members of a composition share one "
						       "event loop"};
	}
	member.stats = &stats;
	++started_;
	return {};
}

std::optional<FrameMetadata> GlComposition::onScreen(size_t index) const
{
	const FrameRef &active = kms_->activeFrame();
	if (!active)
		return std::nullopt;
	return drawnInto_.at(active.buffer().index).at(index).metadata;
}

bool GlComposition::dirty() const
{
	if (stale_)
		return true;
	for (const Member &member : members_)
		if (member.stats && member.frame && !member.drawn)
			return true;
	return false;
}

/* At most one output per vblank: only once the previous one has flipped (or
 * failed), and while the GPU is idle. */
void GlComposition::maybeDraw()
{
	if (fatal_ || started_ == 0 || busy_ || kms_->flipAwaited() || !dirty())
		return;
	draw();
}

int GlComposition::consume(size_t index, FrameRef frame)
{
	if (fatal_)
		return fatal_;
	Member &member = members_.at(index);
	if (!member.stats)
		return -EINVAL;
	++member.stats->received;
	/* Keep the newest only: one that no output drew never reaches the
	 * screen. */
	if (member.frame && !member.drawn)
		member.stats->drop(DropReason::DisplayBehind);
	member.frame = std::move(frame);
	member.drawn = false;
	maybeDraw();
	return fatal_;
}

int GlComposition::draw()
{
	/* The output carries a new frame's metadata (the display's own
	 * latency account); the members' stats have their own. */
	const FrameMetadata *fresh = nullptr;
	for (const Member &member : members_)
		if (member.stats && member.frame && !member.drawn && !fresh)
			fresh = &member.frame.metadata();
	FrameRef output = pool_->acquire(fresh ? *fresh : FrameMetadata{});
	if (!output)
		return 0; /* not with kOutputBuffers; the next flip retries */
	if (!display_->makeCurrent())
		return fail(Error{EIO, "gl-kms composition: eglMakeCurrent failed"});
	const uint32_t out = output.buffer().index;
	glBindFramebuffer(GL_FRAMEBUFFER, targets_.fbo(out));
	glViewport(0, 0, static_cast<GLsizei>(width_), static_cast<GLsizei>(height_));
	glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);

	std::vector<Drawn> &drawn = drawnInto_.at(out);
	drawn.assign(members_.size(), Drawn{});
	uint64_t draws = 0;
	for (size_t i = 0; i < members_.size(); ++i) {
		Member &member = members_[i];
		if (!member.stats || !member.frame || !member.renderer)
			continue;
		/* The render target's row 0 is the screen's top row (see
		 * FrameRenderer): the cell's y needs no flip. */
		glViewport(member.rect.x, member.rect.y, static_cast<GLsizei>(member.rect.width),
			   static_cast<GLsizei>(member.rect.height));
		Result<bool> uploaded = member.renderer->draw(member.frame.buffer());
		if (!uploaded) {
			/* A draw that fails (a lost context, a refused upload)
			 * fails the next one too: stop, naming why. */
			fatal_ = fail(Error{uploaded.error().code,
					    describe(i) + ": " + uploaded.error().message});
			return fatal_;
		}
		if (*uploaded)
			++member.stats->copies;
		drawn[i] = Drawn{member.frame.metadata(), !member.drawn};
		member.drawn = true;
		member.inFlight = member.frame;
		++draws;
	}
	++counters_.outputs;
	counters_.draws += draws;
	counters_.maxDrawsPerOutput = std::max(counters_.maxDrawsPerOutput, draws);
	stale_ = false;
	outFlight_ = std::move(output);
	busy_ = true;
	/* The output may go to the display, and a replaced frame back to its
	 * camera, only once the GPU has finished the draw. */
	fence_.arm(*display_, *loop_);
	return fatal_;
}

void GlComposition::finishGpu()
{
	fence_.cancel();
	for (Member &member : members_)
		member.inFlight.reset();
	busy_ = false;
}

void GlComposition::onGpuDone()
{
	finishGpu();
	if (started_ == 0) {
		outFlight_.reset();
		return;
	}
	/* Drawn: the display takes the output (counting it, and showing it
	 * at the next vblank). */
	const uint32_t out = outFlight_.buffer().index;
	handedOver_ = out;
	int ret = kms_->consume(std::move(outFlight_));
	if (!kms_->flipAwaited())
		lost(out); /* its commit failed at once */
	if (ret < 0) {
		/* The display is gone for good: every consume() says so. */
		fatal_ = ret;
		lastError_ = kms_->lastError();
		return;
	}
	maybeDraw();
}

/* A flip (the output now on screen counts each source's new frame as
 * shown), or a failed commit (its new frames are lost); either way the
 * next output may be drawn. */
void GlComposition::lost(uint32_t output)
{
	handedOver_.reset();
	std::vector<Drawn> &drawn = drawnInto_.at(output);
	for (size_t i = 0; i < drawn.size() && i < members_.size(); ++i) {
		if (drawn[i].fresh && members_[i].stats)
			members_[i].stats->drop(DropReason::SinkError);
		drawn[i].fresh = false;
	}
}

void GlComposition::queueMoved(std::optional<int64_t> flippedAtNs)
{
	if (!flippedAtNs && handedOver_)
		lost(*handedOver_);
	handedOver_.reset();
	const FrameRef &active = kms_->activeFrame();
	if (flippedAtNs && active) {
		std::vector<Drawn> &drawn = drawnInto_.at(active.buffer().index);
		for (size_t i = 0; i < drawn.size() && i < members_.size(); ++i) {
			SinkStats *stats = members_[i].stats;
			if (!drawn[i].fresh || !stats)
				continue;
			stats->markDisplayed(*flippedAtNs);
			stats->addLatency(*drawn[i].metadata, *flippedAtNs);
			drawn[i].fresh = false;
		}
	}
	maybeDraw();
}

void GlComposition::stop(size_t index)
{
	Member &member = members_.at(index);
	if (!member.stats)
		return;
	/* Its frame may be in the draw on the GPU: wait for it (the output
	 * is dropped only when the display stops too). */
	if (busy_ && display_ && display_->makeCurrent())
		glFinish();
	member.inFlight.reset();
	if (member.frame && !member.drawn)
		member.stats->drop(DropReason::Stopped);
	/* Drawn into outputs not shown yet: never shown now. */
	for (std::vector<Drawn> &drawn : drawnInto_) {
		if (index < drawn.size() && drawn[index].fresh) {
			member.stats->drop(DropReason::Stopped);
			drawn[index].fresh = false;
		}
	}
	member.frame.reset();
	member.drawn = false;
	member.stats = nullptr;
	--started_;
	if (started_ > 0) {
		/* Its cell goes black in the next output. */
		stale_ = true;
		maybeDraw();
		return;
	}
	if (busy_) {
		finishGpu();
		outFlight_.reset();
	}
	stale_ = false;
	handedOver_.reset();
	kms_->stop();
	loop_ = nullptr;
}

void GlComposition::leave(size_t index)
{
	stop(index);
	Member &member = members_.at(index);
	if (member.renderer && display_ && display_->makeCurrent())
		member.renderer.reset();
}

} /* namespace primecam */
