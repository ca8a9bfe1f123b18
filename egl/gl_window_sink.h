/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/event_loop.h"
#include "base/fd_watch.h"
#include "egl/egl_display.h"
#include "egl/frame_renderer.h"
#include "egl/gl_sink_config.h"
#include "egl/gl_sink_warm_up.h"
#include "egl/gpu_frame_queue.h"
#include "pipeline/sink.h"

struct GLFWwindow;

namespace primecam {

/*
 * The desktop viewer: frames drawn with GLES into a GLFW window (X11 or
 * Wayland), letterboxed to keep the frame's aspect ratio whatever the
 * window's size. F or F11 toggles fullscreen; closing the window or Escape
 * ends the run the way SIGINT does (the loop exits with 0, so the stats
 * are still written).
 *
 * The context is made by EGL (GLFW_EGL_CONTEXT_API), so that FrameRenderer
 * asks the same EGL extensions on the window's display as on the others
 * and imports dma-bufs where they are offered, else uploads (counted,
 * announced once). Everything, GLFW's event polling included, runs on the
 * event-loop thread.
 */
class GlWindowSink : public Sink
{
public:
	explicit GlWindowSink(GlSinkConfig config);
	~GlWindowSink() override;
	GlWindowSink(const GlWindowSink &) = delete;
	GlWindowSink &operator=(const GlWindowSink &) = delete;

	/* "gl-window 640x480 (X11)" */
	std::string describe() const override;
	/* Creates the window (once), imports every buffer or prepares the
	 * upload, announcing it once on stderr. */
	Result<void> configure(std::span<const FrameBuffer> buffers) override;
	Result<void> start(EventLoop &loop, SinkStats &stats) override;
	int consume(FrameRef frame) override;
	void stop() override;
	const std::optional<Error> &lastError() const override { return frames_.lastError(); }

	/* What the window system's EGL offers (for the doctor): opens a
	 * hidden window with the same EGL context, asks, closes it. */
	static Result<EglCaps> probe();

	const EglDisplay *display() const { return display_.get(); }
	const FrameRenderer *renderer() const { return renderer_.get(); }
	/* For tests and embedders: the GLFW window, and what runs when the
	 * user closes it (by default: the loop exits with 0). */
	GLFWwindow *window() const { return window_; }
	void setOnClose(std::function<void()> onClose) { onClose_ = std::move(onClose); }
	/* Tests: the DMA_BUF_IOCTL_SYNC of the upload (memfds have none);
	 * before configure. */
	void setSyncFunction(CpuAccess::SyncFn sync) { cpuSync_ = sync; }
	/* Asks the window to close, as its close button does; the next poll
	 * of GLFW's events acts on it. */
	void requestClose();
	bool closed() const { return closed_; }
	/* The frame whose drawing finished last: what the window shows once
	 * no frame is in flight (tests compare it with what was captured). */
	uint64_t lastSequence() const { return frames_.lastSequence(); }
	bool fullscreen() const { return fullscreen_; }
	void toggleFullscreen();

private:
	/* GpuFrameQueue::DrawFn: letterboxed into the window, then swapped. */
	Result<bool> draw(const FrameBuffer &buffer);
	void pollEvents();
	void onKey(int key, int action);

	GlSinkConfig config_;
	/* This sink counts in the process-wide glfwInit. */
	bool glfwHeld_ = false;
	GLFWwindow *window_ = nullptr;
	std::unique_ptr<EglDisplay> display_;
	std::unique_ptr<FrameRenderer> renderer_;
	uint32_t frameWidth_ = 0;
	uint32_t frameHeight_ = 0;
	GlSinkWarmUp warmUp_;
	bool fullscreen_ = false;
	/* The windowed position and size to return to from fullscreen. */
	int windowedX_ = 0, windowedY_ = 0, windowedWidth_ = 0, windowedHeight_ = 0;
	bool closed_ = false;
	std::function<void()> onClose_;
	CpuAccess::SyncFn cpuSync_ = &CpuAccess::syncIoctl;

	EventLoop *loop_ = nullptr;
	/* The X server connection (Xlib owns the fd; the window outlives the
	 * sink's streaming, and stop() ends the watch). */
	FdWatch connectionWatch_;
	std::optional<EventLoop::TimerId> eventTimer_;
	/*
	 * A frame is released once the GPU is done with it, after the swap.
	 * No native fence fd here: window systems' EGL rarely offer one, and
	 * the KHR fence's poll costs nothing idle.
	 */
	GpuFrameQueue frames_{[this](const FrameBuffer &b) { return draw(b); }, false};
};

} /* namespace primecam */
