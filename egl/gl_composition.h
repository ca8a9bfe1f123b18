/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drm/kms_sink.h"
#include "drm/kms_sink_config.h"
#include "drm/placement.h"
#include "egl/egl_display.h"
#include "egl/frame_renderer.h"
#include "egl/gl_sink_config.h"
#include "egl/gl_sink_warm_up.h"
#include "egl/gpu_fence.h"
#include "egl/output_targets.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/stats.h"

namespace primecam {

class EventLoop;

/* What a composition has done, for tests and the stats. */
struct CompositionCounters {
	uint64_t outputs = 0; /* output frames drawn */
	uint64_t draws = 0;   /* source frames drawn into them, in all */
	uint64_t maxDrawsPerOutput = 0;
};

/*
 * Several gl-kms sinks of one card with one layout (mosaic, pip) drawn by GL
 * into ONE buffer on one plane: the fallback when the card has too few
 * planes, or planes that cannot take the frames' format or size. Shared by
 * its members (GlComposedSink, one per source) the way kms sinks share a
 * KmsDisplay, it owns the EGL display, the output buffers as render targets
 * and the one inner KmsSink that scans them out; each member owns the
 * FrameRenderer of its source (its buffers imported once, at configure).
 *
 * A member's consume() only keeps the source's newest frame. The output is
 * drawn at most once per vblank: when a member has a new frame, the GPU is
 * idle and the previous output's flip has happened (never blocking; the GPU
 * fence says when the draw is done, then the output goes to the display).
 * Each output is one clear and one draw per source into its cell (the
 * viewport; the quad covers nothing outside it), every source redrawn from
 * the frame it holds, so a source that stalls keeps its last picture.
 *
 * A source's frame is held until a newer frame of it has been drawn and the
 * GPU is done with that draw: the output on screen holds GL's copy of the
 * pixels, not the camera's buffer, so only the next draw needs the frame.
 * A stopped member lets go of its frame at once (its source's buffers are
 * about to be freed) and its cell is black from the next output on.
 *
 * Each member's stats count its own frames: received at consume(), shown
 * (with latency) at the flip of the first output that drew it, dropped when
 * a newer one replaced it before any draw. The inner display's stats count
 * the output frames.
 */
class GlComposition
{
public:
	/* display: the first member's sink config; the output is full screen
	 * on its plane, connector and mode. */
	explicit GlComposition(KmsSinkConfig display);
	~GlComposition();
	GlComposition(const GlComposition &) = delete;
	GlComposition &operator=(const GlComposition &) = delete;

	/* A new member at its cell of the layout (config.cell of
	 * config.cells); returns its index. */
	size_t join(const KmsSinkConfig &config);
	/* Member index's source offers buffers: the display opened, the
	 * output buffers allocated and the inner display configured on the
	 * first call; the member's renderer (re)configured, its place
	 * computed (refusing a frame that cannot be placed). */
	Result<void> configure(size_t index, std::span<const FrameBuffer> buffers,
			       const GlSinkConfig &gl);
	/* The display starts with the first member. */
	Result<void> start(size_t index, EventLoop &loop, SinkStats &stats);
	int consume(size_t index, FrameRef frame);
	/* Lets go of the member's frames; the display stops with the last. */
	void stop(size_t index);
	/* The member's sink is gone: its renderer (EGLImages of its buffers)
	 * too. */
	void leave(size_t index);

	std::string describe(size_t index) const;
	const std::optional<Error> &lastError() const
	{
		return lastError_ ? lastError_ : kms_->lastError();
	}

	KmsSink &kms() { return *kms_; }
	const KmsSink &kms() const { return *kms_; }
	const CompositionCounters &counters() const { return counters_; }
	const SinkStats &outputStats() const { return outputStats_; }
	const FrameRenderer *renderer(size_t index) const
	{
		return members_.at(index).renderer.get();
	}
	/* Where member index's frames go on the output. */
	const ScreenRect &rect(size_t index) const { return members_.at(index).rect; }
	/* The metadata of member index's frame in the output on screen. */
	std::optional<FrameMetadata> onScreen(size_t index) const;
	uint32_t width() const { return width_; }
	uint32_t height() const { return height_; }

	static constexpr uint32_t kOutputBuffers = 4;

private:
	struct Member {
		KmsSinkConfig config;
		std::unique_ptr<FrameRenderer> renderer;
		GlSinkWarmUp warmUp;
		ScreenRect rect;
		SinkStats *stats = nullptr; /* while started */
		FrameRef frame;		    /* the newest: drawn into the next output */
		bool drawn = false;	    /* frame is in an output already */
		FrameRef inFlight;	    /* the one the GPU is drawing now */
	};
	/* Per output buffer, per member: the metadata of the frame it drew,
	 * and whether that frame was new there (its stats count it shown at
	 * that output's flip). */
	struct Drawn {
		std::optional<FrameMetadata> metadata;
		bool fresh = false;
	};

	Result<void> openDisplay(std::span<const FrameBuffer> buffers);
	Result<void> chooseSize(const FrameBuffer &first, const KmsSinkConfig &member);
	bool dirty() const;
	void maybeDraw();
	/* 0 or -errno (lastError() says why) */
	int draw();
	void onGpuDone();
	void finishGpu();
	void queueMoved(std::optional<int64_t> flippedAtNs);
	/* Output index never reaches the screen: its new frames are dropped. */
	void lost(uint32_t output);
	int fail(const Error &error);

	KmsSinkConfig displayConfig_;
	/* Declared first: destroyed last, after every GL object below. */
	std::unique_ptr<EglDisplay> display_;
	std::unique_ptr<BufferPool> pool_;
	OutputTargets targets_;
	std::unique_ptr<KmsSink> kms_;
	std::vector<Member> members_;
	std::vector<std::vector<Drawn>> drawnInto_; /* by output buffer index */
	uint32_t width_ = 0;
	uint32_t height_ = 0;

	EventLoop *loop_ = nullptr;
	size_t started_ = 0;
	SinkStats outputStats_;
	CompositionCounters counters_;
	FrameRef outFlight_; /* the output the GPU is drawing */
	/* The output handed to the display, until its flip. */
	std::optional<uint32_t> handedOver_;
	bool busy_ = false;
	bool stale_ = false; /* a member stopped: its cell goes black */
	GpuFence fence_{[this] { onGpuDone(); }};
	int fatal_ = 0;
	std::optional<Error> lastError_;
};

} /* namespace primecam */
