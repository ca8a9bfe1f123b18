/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/dma_buf.h"
#include "base/fd_watch.h"
#include "base/image.h"
#include "base/result.h"
#include "drm/atomic_request.h"
#include "drm/card.h"
#include "drm/dumb_buffer.h"
#include "drm/flip_queue.h"
#include "drm/framebuffer.h"
#include "drm/gem_handle_table.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"
#include "drm/kms_sink_config.h"
#include "drm/property_blob.h"
#include "drm/writeback.h"
#include "pipeline/buffer_key.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * Frames on a KMS plane, without a copy: every buffer of the source is
 * imported once at configure time (PRIME + ADDFB2, cached by buffer
 * identity), the whole display state is checked with a TEST_ONLY commit,
 * the first frame's commit does the modeset, and every later frame is one
 * non-blocking atomic commit that changes only the plane's FB_ID, completed
 * by a page-flip event on the event loop. A buffer goes back to the source
 * only after the flip that took it off the screen.
 */
class KmsSink : public Sink
{
public:
	explicit KmsSink(KmsSinkConfig config);
	~KmsSink() override;
	KmsSink(const KmsSink &) = delete;
	KmsSink &operator=(const KmsSink &) = delete;

	/* "kms vkms/Virtual-1 plane 31 (primary)" once configured. */
	std::string describe() const override;
	/* Opens the card (config.card) as DRM master, picks connector, CRTC,
	 * plane and mode, imports every buffer and TEST_ONLY-commits the
	 * whole state. Tears down an earlier configuration first. */
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	/* 0; a failed commit is counted (SinkError) and the frame released,
	 * and -errno only when the display is gone for good (another client
	 * took DRM master: EACCES/EPERM; the card vanished: ENODEV). */
	int consume(FrameRef frame) override;
	/* Waits (at most 1 s, dispatching the card's events itself) for a flip
	 * in flight, switches the output off with a blocking commit (so no
	 * buffer is scanned out any more), then releases every frame. */
	void stop() override;

	/*
	 * What the display shows now, through the card's writeback connector
	 * (routed to this sink's CRTC for one frame): a mode-sized XRGB8888
	 * image. Call between frames; it waits (at most 1 s) for a flip in
	 * flight to finish first. Streaming continues normally afterwards.
	 */
	Result<Image> captureWriteback();
	/* The frame on screen (empty before the first flip). */
	const FrameRef &activeFrame() const { return flips_.active(); }

	/* Configured state, for tests, the doctor and `primecam list`. */
	const Card &card() const { return card_; }
	const std::optional<KmsOutput> &output() const { return output_; }
	/* Framebuffers made for the source's buffers (not the background). */
	size_t framebufferCount() const { return framebuffers_.size(); }
	/* GEM handles the card file holds for the imported dma-bufs. */
	size_t gemHandleCount() const { return handles_ ? handles_->size() : 0; }
	/* The last streaming error (a failed commit, a lost flip), if any. */
	const std::optional<Error> &lastError() const override { return lastError_; }

private:
	/* A buffer's identity: the dma-bufs and offsets of its planes. */

	Result<void> configureCard(std::span<const FrameBuffer> buffers);
	void teardown();
	int commitFrame(const FrameRef &frame);
	void onCardEvent(uint32_t events);
	void onFlip(unsigned int sec, unsigned int usec);
	static void pageFlipHandler(int fd, unsigned int sequence, unsigned int sec,
				    unsigned int usec, unsigned int crtcId, void *data);
	void retryAtNextVblank();
	static void vblankHandler(int fd, unsigned int sequence, unsigned int sec,
				  unsigned int usec, void *data);
	/* Dispatches the card's events until no flip is in flight, at most
	 * timeout; false on timeout. */
	bool waitIdle(std::chrono::milliseconds timeout);
	int noteError(int ret, const std::string &what);

	KmsSinkConfig config_;

	/* Declared in teardown order, reversed: everything below the card
	 * uses its fd, the framebuffers use the handle table. */
	Card card_;
	bool configured_ = false;
	bool modifiers_ = false;
	bool monotonic_ = true;
	std::optional<KmsResources> resources_;
	std::optional<KmsOutput> output_;
	std::unique_ptr<GemHandleTable> handles_;
	PropertyBlob modeBlob_;
	DumbBuffer background_;
	Framebuffer backgroundFb_;
	std::map<BufferKey, Framebuffer> framebuffers_;
	std::map<BufferKey, std::string> exporters_;
	std::optional<Writeback> writeback_;
	AtomicRequest request_;

	FlipQueue flips_;
	/* The card's page-flip events, while started; after card_, so the
	 * watch ends before the card closes. */
	FdWatch cardWatch_;
	bool started_ = false;
	bool modesetDone_ = false;
	int64_t lastCommitNs_ = 0; /* CLOCK_MONOTONIC */
	int fatal_ = 0;
	/* Vblanks waited in a row for a CRTC that answered EBUSY. */
	unsigned busyVblanks_ = 0;
	std::optional<Error> lastError_;
};

} /* namespace primecam */
