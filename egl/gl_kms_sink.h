/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/event_loop.h"
#include "base/unique_fd.h"
#include "drm/kms_sink.h"
#include "drm/kms_sink_config.h"
#include "egl/egl_display.h"
#include "egl/frame_renderer.h"
#include "egl/gl_objects.h"
#include "egl/gl_sink_config.h"
#include "egl/gl_sink_warm_up.h"
#include "egl/gpu_fence.h"
#include "egl/output_targets.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * Frames drawn with GLES into buffers of the display's card, which the KMS
 * code then scans out: the path for what a plane cannot do itself (vkms
 * scans out no YUV and does not scale). The output buffers are XRGB8888
 * dumb buffers on that card, allocated and imported once at configure, both
 * as EGLImage render targets (an FBO each) and as KMS framebuffers (by the
 * inner KmsSink); per frame there is one GPU pass and one page flip, no
 * CPU copy unless the input has to be uploaded (counted).
 *
 * Never blocks: while the GPU is busy (or no output buffer is free) the
 * newest frame waits and replaces an older waiting one (DisplayBehind).
 * The stats are the inner KmsSink's: displayed on page flip, latency from
 * capture to that flip (each output frame carries its input's metadata).
 */
class GlKmsSink : public Sink
{
public:
	/* gl: the GL side (matrix, range, import, rendered size); kms: the
	 * display, as for a kms sink. */
	GlKmsSink(KmsSinkConfig kms, GlSinkConfig gl);
	~GlKmsSink() override;
	GlKmsSink(const GlKmsSink &) = delete;
	GlKmsSink &operator=(const GlKmsSink &) = delete;

	/* "gl-kms 640x480 on kms vkms/Virtual-1 plane 31 (primary)" */
	std::string describe() const override;
	/* Opens the EGL display on the card (once), imports the frames'
	 * buffers, allocates and imports the output buffers, configures the
	 * inner KmsSink with them. */
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	/* Waits for the draw in flight (glFinish), stops the display, then
	 * releases every frame. */
	void stop() override;
	const std::optional<Error> &lastError() const override;

	/* The display: its activeFrame() carries the metadata of the input
	 * frame on screen, its captureWriteback() is --snapshot's source. */
	KmsSink &kms() { return *kms_; }
	const KmsSink &kms() const { return *kms_; }
	const EglDisplay *display() const { return display_.get(); }
	const FrameRenderer *renderer() const { return renderer_.get(); }
	uint32_t width() const { return width_; }
	uint32_t height() const { return height_; }

	/* How many output buffers: one on screen (active), one whose flip is
	 * in flight (queued), one waiting for that flip (pending), and the one
	 * being drawn. With that many a buffer is always free when the GPU is
	 * idle. */
	static constexpr uint32_t kOutputBuffers = 4;

private:
	Result<void> chooseSize(std::span<const FrameBuffer> buffers);
	/* 0 or -errno (lastError() says why) */
	int render(FrameRef frame);
	void onGpuDone();
	void finishInFlight();
	int fail(const Error &error);

	KmsSinkConfig kmsConfig_;
	GlSinkConfig glConfig_;
	/* Declared first: destroyed last, after every GL object below. */
	std::unique_ptr<EglDisplay> display_;
	std::unique_ptr<FrameRenderer> renderer_;
	/* The pool outlives the display sink, which holds its buffers. */
	std::unique_ptr<BufferPool> pool_;
	OutputTargets targets_;
	std::unique_ptr<KmsSink> kms_;
	uint32_t width_ = 0;
	uint32_t height_ = 0;
	GlSinkWarmUp warmUp_;

	EventLoop *loop_ = nullptr;
	SinkStats *stats_ = nullptr;
	FrameRef inFlight_;  /* the input being drawn (unless uploaded) */
	FrameRef outFlight_; /* the output it is drawn into */
	bool busy_ = false;
	GpuFence fence_{[this] { onGpuDone(); }};
	FrameRef waiting_;
	int fatal_ = 0;
	std::optional<Error> lastError_;
};

} /* namespace primecam */
