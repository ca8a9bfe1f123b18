/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/event_loop.h"
#include "base/image.h"
#include "base/unique_fd.h"
#include "egl/egl_display.h"
#include "egl/frame_renderer.h"
#include "egl/gl_sink_config.h"
#include "egl/gl_sink_warm_up.h"
#include "egl/gpu_frame_queue.h"
#include "pipeline/sink.h"

namespace primecam {

/*
 * Frames drawn with GLES into a framebuffer object, without a window: for
 * CI and for processing. Paced by GpuFrameQueue: a frame stays held until
 * the GPU has finished with it, and the sink never stalls capture.
 */
class GlHeadlessSink : public Sink
{
public:
	explicit GlHeadlessSink(GlSinkConfig config);
	~GlHeadlessSink() override;
	GlHeadlessSink(const GlHeadlessSink &) = delete;
	GlHeadlessSink &operator=(const GlHeadlessSink &) = delete;

	/* "gl-headless gbm vkms (/dev/dri/card0) 640x480" */
	std::string describe() const override;
	/* Opens the EGL display (once), imports every buffer (or prepares the
	 * upload, announcing it once on stderr) and makes the FBO. */
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	/* Waits for the frame in flight (glFinish) and releases every frame. */
	void stop() override;
	const std::optional<Error> &lastError() const override { return frames_.lastError(); }

	/* What the FBO holds now (the last frame drawn): XBGR8888, top row first. */
	Result<Image> readPixels();

	const EglDisplay *display() const { return display_.get(); }
	const FrameRenderer *renderer() const { return renderer_.get(); }
	/* The frame whose drawing finished last. */
	uint64_t lastSequence() const { return frames_.lastSequence(); }

private:
	/* GpuFrameQueue::DrawFn: into the FBO. */
	Result<bool> draw(const FrameBuffer &buffer);

	GlSinkConfig config_;
	/* Declared first: destroyed last, after every GL object below. */
	std::unique_ptr<EglDisplay> display_;
	std::unique_ptr<FrameRenderer> renderer_;
	GlRenderbuffer colour_;
	GlFramebuffer fbo_;
	uint32_t width_ = 0;
	uint32_t height_ = 0;
	GlSinkWarmUp warmUp_;
	GpuFrameQueue frames_{[this](const FrameBuffer &b) { return draw(b); }, true};
};

} /* namespace primecam */
