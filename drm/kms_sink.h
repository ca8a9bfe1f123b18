/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/image.h"
#include "base/result.h"
#include "drm/card.h"
#include "drm/flip_queue.h"
#include "drm/framebuffer.h"
#include "drm/kms_display.h"
#include "drm/kms_output.h"
#include "drm/kms_sink_config.h"
#include "drm/scaling_need.h"
#include "pipeline/buffer_key.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * Frames on a KMS plane, without a copy: every buffer of the source is
 * imported once at configure time (PRIME + ADDFB2, cached by buffer
 * identity), the whole display state is checked with TEST_ONLY commits, and
 * each frame is staged on the card's KmsDisplay, which commits it (with the
 * frames of the other sinks on that display) in one non-blocking atomic
 * commit per vblank: the first does the modeset, the later ones change only
 * FB_IDs. A buffer goes back to the source only after the flip that took it
 * off the screen.
 */
class KmsSink : public Sink, private KmsDisplay::Client
{
public:
	/* display: shared with the other kms sinks on the card (the pipeline
	 * builder makes one per card); none: the sink makes its own. */
	explicit KmsSink(KmsSinkConfig config, std::shared_ptr<KmsDisplay> display = nullptr);
	~KmsSink() override;
	KmsSink(const KmsSink &) = delete;
	KmsSink &operator=(const KmsSink &) = delete;

	/* "kms vkms/Virtual-1 plane 31 (primary)" once configured. */
	std::string describe() const override;
	/* Opens the card (config.card) as DRM master, unless another sink on
	 * the display did; picks connector, CRTC, plane and mode (those of the
	 * display's other sinks, and a plane none of them shows), imports
	 * every buffer and TEST_ONLY-commits the whole composition. Tears down
	 * an earlier configuration first. */
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	/* 0; a failed commit is counted (SinkError) and the frame released,
	 * and -errno only when the display is gone for good (another client
	 * took DRM master: EACCES/EPERM; the card vanished: ENODEV). */
	int consume(FrameRef frame) override;
	/* Waits (at most 1 s, dispatching the card's events itself) for a flip
	 * in flight, switches its plane off with a blocking commit (the whole
	 * output when it is the display's last sink), so no buffer of its
	 * source is scanned out any more, then releases every frame. */
	void stop() override;

	/*
	 * What the display shows now, through the card's writeback connector
	 * (routed to this sink's CRTC for one frame): a mode-sized XRGB8888
	 * image. Call between frames; it waits (at most 1 s) for a flip in
	 * flight to finish first. Streaming continues normally afterwards.
	 */
	Result<Image> captureWriteback();
	/*
	 * Called on the loop thread after each flip (with its time) and after
	 * a commit that failed (std::nullopt): the display's queue moved. For
	 * a producer that draws at most one frame per vblank (gl-kms composing
	 * several sources) and hands the next only when the last one is done.
	 */
	using QueueMoved = std::function<void(std::optional<int64_t> flippedAtNs)>;
	void setOnQueueMoved(QueueMoved moved) { queueMoved_ = std::move(moved); }
	/* Called when the plane refuses a frame it would have to scale: its
	 * sentence is added to the refusal (which names the plane, the sizes
	 * and the modes already). */
	void setScalingAdvisor(ScalingAdvisor advisor) { scalingAdvisor_ = std::move(advisor); }
	/* A frame was handed over and its flip has not happened yet. */
	bool flipAwaited() const { return flips_.inFlight() || flips_.pending(); }
	/* The frame on screen (empty before the first flip). */
	const FrameRef &activeFrame() const { return flips_.active(); }

	/* Configured state, for tests, the doctor and `primecam list`. */
	const Card &card() const { return display_->card(); }
	const std::optional<KmsOutput> &output() const { return output_; }
	const KmsDisplay &display() const { return *display_; }
	/* The display as its sinks hold it: for the run's stats, which
	 * read its counters after the sinks are stopped. */
	std::shared_ptr<KmsDisplay> sharedDisplay() const { return display_; }
	/* Framebuffers made for the source's buffers (not the background). */
	size_t framebufferCount() const { return framebuffers_.size(); }
	/* GEM handles the card file holds for the imported dma-bufs (of every
	 * sink on the display). */
	size_t gemHandleCount() const
	{
		return display_->isOpen() ? display_->handles().size() : 0;
	}
	/* The last streaming error (a failed commit, a lost flip), if any. */
	const std::optional<Error> &lastError() const override { return lastError_; }

private:
	/* KmsDisplay::Client */
	const KmsOutput &kmsOutput() const override { return *output_; }
	void flipped(int64_t timestampNs) override;
	void commitDeferred() override;
	void commitFailed(int err, const std::string &what) override;

	Result<void> configureCard(std::span<const FrameBuffer> buffers);
	void teardown();
	int commitFrame(const FrameRef &frame);
	int noteError(int ret, const std::string &what);

	KmsSinkConfig config_;
	/* Outlives the framebuffers, which use its card and GEM handles. */
	std::shared_ptr<KmsDisplay> display_;
	bool configured_ = false;
	std::optional<KmsOutput> output_;
	std::map<BufferKey, Framebuffer> framebuffers_;
	std::map<BufferKey, std::string> exporters_;

	FlipQueue flips_;
	QueueMoved queueMoved_;
	ScalingAdvisor scalingAdvisor_;
	SinkStats *stats_ = nullptr; /* while started */
	bool started_ = false;
	int fatal_ = 0;
	std::optional<Error> lastError_;
};

} /* namespace primecam */
