/* SPDX-License-Identifier: MIT */
#include "egl/gl_window_sink.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <GLES3/gl3.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#define GLFW_EXPOSE_NATIVE_EGL
#include <GLFW/glfw3native.h>

#include "pipeline/stats.h"

#ifdef PRIMECAM_HAVE_GLFW_X11
/*
 * Declared here rather than through GLFW_EXPOSE_NATIVE_X11, which pulls in
 * Xlib.h and Xrandr.h with their macros (None, Bool, Status) into this
 * file; Xlib declares Display the same way. XConnectionNumber is the
 * function form of ConnectionNumber (a macro with C casts).
 */
/* NOLINTNEXTLINE(bugprone-reserved-identifier): Xlib's own name for it */
typedef struct _XDisplay Display;
extern "C" {
Display *glfwGetX11Display(void);
/* NOLINTNEXTLINE(readability-identifier-naming): Xlib's function */
int XConnectionNumber(Display *display);
}
#endif

namespace primecam {

namespace {

/* glfwInit and glfwTerminate are process-wide: one init for all windows. */
int glfwUsers = 0;

Error glfwFailure(const std::string &what)
{
	const char *description = nullptr;
	int code = glfwGetError(&description);
	std::string text = "gl-window: " + what + " failed";
	if (code != GLFW_NO_ERROR && description)
		text += ": " + std::string(description);
	return Error{code == GLFW_API_UNAVAILABLE ? ENOTSUP : EIO, text};
}

/* The hints of every gl-window: an EGL context, so that the dma-buf
 * import extensions can be asked on the window's EGL display; GLES 3 for
 * our shaders. */
void windowHints()
{
	glfwDefaultWindowHints();
	glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
	glfwWindowHint(GLFW_CONTEXT_CREATION_API, GLFW_EGL_CONTEXT_API);
	glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
	glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
}

} /* namespace */

Result<EglCaps> GlWindowSink::probe()
{
	if (glfwUsers == 0 && !glfwInit())
		return glfwFailure("glfwInit (is there an X11 or Wayland display?)");
	++glfwUsers;
	windowHints();
	glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
	GLFWwindow *window = glfwCreateWindow(64, 64, "primecam doctor", nullptr, nullptr);
	Result<EglCaps> caps = Error{EIO, ""};
	if (!window) {
		caps = glfwFailure("glfwCreateWindow(EGL, GLES 3)");
	} else {
		glfwMakeContextCurrent(window);
		{
			/* Gone before the window that owns its context. */
			Result<std::unique_ptr<EglDisplay>> display =
				EglDisplay::adopt(glfwGetEGLDisplay(), glfwGetEGLContext(window),
						  glfwGetEGLSurface(window));
			if (display)
				caps = (*display)->caps();
			else
				caps = Error{display.error().code,
					     "gl-window: " + display.error().message};
		}
		glfwMakeContextCurrent(nullptr);
		glfwDestroyWindow(window);
	}
	if (--glfwUsers == 0)
		glfwTerminate();
	return caps;
}

GlWindowSink::GlWindowSink(GlSinkConfig config) : config_(std::move(config))
{
	/* Escape or the close button ends the run like SIGINT: the loop exits
	 * with 0 and the stats are written. */
	onClose_ = [this] {
		if (loop_)
			loop_->exit(0);
	};
}

GlWindowSink::~GlWindowSink()
{
	stop();
	/* GL objects first, with the window's context current (were it lost,
	 * their deletes go nowhere and the context takes them along); the
	 * renderer before the display it points to; the window, which owns
	 * the context, last. */
	if (display_) {
		Result<void> current = display_->makeCurrent();
		static_cast<void>(current);
	}
	renderer_.reset();
	display_.reset();
	if (window_) {
		glfwDestroyWindow(window_);
		window_ = nullptr;
	}
	if (glfwHeld_ && --glfwUsers == 0)
		glfwTerminate();
}

std::string GlWindowSink::describe() const
{
	std::string text = "gl-window";
	if (window_) {
		int width = 0, height = 0;
		glfwGetFramebufferSize(window_, &width, &height);
		text += " " + std::to_string(width) + "x" + std::to_string(height);
	}
	if (frameWidth_)
		text += " showing " + std::to_string(frameWidth_) + "x" +
			std::to_string(frameHeight_);
	return text;
}

Result<void> GlWindowSink::configure(std::span<const FrameBuffer> buffers)
{
	frameWidth_ = buffers.front().width;
	frameHeight_ = buffers.front().height;

	if (!window_) {
		if (!glfwHeld_) {
			if (glfwUsers == 0 && !glfwInit())
				return glfwFailure(
					"glfwInit (is there an X11 or Wayland display?)");
			++glfwUsers;
			glfwHeld_ = true;
		}

		windowHints();

		int width = static_cast<int>(config_.width ? config_.width : frameWidth_);
		int height = static_cast<int>(config_.height ? config_.height : frameHeight_);
		windowedWidth_ = width;
		windowedHeight_ = height;
		window_ = glfwCreateWindow(width, height, config_.title.c_str(), nullptr, nullptr);
		if (!window_)
			return glfwFailure("glfwCreateWindow(EGL, GLES 3)");
		glfwSetWindowUserPointer(window_, this);
		glfwSetKeyCallback(window_, [](GLFWwindow *w, int key, int, int action, int) {
			static_cast<GlWindowSink *>(glfwGetWindowUserPointer(w))
				->onKey(key, action);
		});
		glfwSetWindowCloseCallback(window_, [](GLFWwindow *w) {
			auto *self = static_cast<GlWindowSink *>(glfwGetWindowUserPointer(w));
			if (self->closed_)
				return;
			self->closed_ = true;
			if (self->onClose_)
				self->onClose_();
		});
		glfwMakeContextCurrent(window_);
		/*
		 * No vsync wait in eglSwapBuffers: the event loop's one thread
		 * must not block for a refresh period per frame; frames come
		 * at the camera's rate, and a late one replaces the waiting one.
		 */
		glfwSwapInterval(0);

		Result<std::unique_ptr<EglDisplay>> display =
			EglDisplay::adopt(glfwGetEGLDisplay(), glfwGetEGLContext(window_),
					  glfwGetEGLSurface(window_));
		if (!display)
			return Error{display.error().code, "gl-window: " + display.error().message};
		display_ = std::move(*display);
		renderer_ = std::make_unique<FrameRenderer>(*display_);
		/* The window's row 0 is its bottom row: show the frame upright. */
		renderer_->setFlipY(true);
		renderer_->setSyncFunction(cpuSync_);
		if (config_.fullscreen)
			toggleFullscreen();
	}

	Result<void> current = display_->makeCurrent();
	if (!current)
		return current;
	Result<void> ret = renderer_->configure(buffers, config_);
	if (!ret)
		return Error{ret.error().code, describe() + ": " + ret.error().message};
	return warmUp_.run(*renderer_, buffers.front(), describe());
}

Result<void> GlWindowSink::start(EventLoop &loop, SinkStats &stats)
{
	loop_ = &loop;
	frames_.start(*display_, loop, stats);

	/*
	 * GLFW learns of input, resizes and the close button only when its
	 * events are polled. On X11 the loop watches the server connection and
	 * polls when it is readable. Xlib may already have read events into its
	 * own queue while doing something else (a swap), which leaves the
	 * socket quiet: a slow timer catches those. Without a connection fd
	 * (Wayland through GLFW 3.3) the timer alone polls, at about 60 Hz.
	 */
	auto interval = std::chrono::milliseconds(16);
#ifdef PRIMECAM_HAVE_GLFW_X11
	if (Display *x11 = glfwGetX11Display()) {
		int fd = XConnectionNumber(x11);
		auto onConnection = [this](uint32_t events) {
			if (events & (EPOLLHUP | EPOLLERR)) {
				/* The server went away: stop watching (a hung-up
				 * fd is always readable); the next poll lets Xlib
				 * report it. */
				connectionWatch_.reset();
			}
			pollEvents();
		};
		if (fd >= 0 && connectionWatch_.watch(loop, fd, EPOLLIN, onConnection) == 0)
			interval = std::chrono::milliseconds(100);
	}
#endif
	Result<EventLoop::TimerId> timer =
		loop.addTimer(interval, interval, [this] { pollEvents(); });
	if (!timer)
		return Error{timer.error().code, "gl-window: " + timer.error().message};
	eventTimer_ = *timer;
	pollEvents();
	return {};
}

void GlWindowSink::pollEvents()
{
	if (window_)
		glfwPollEvents();
}

void GlWindowSink::onKey(int key, int action)
{
	if (action != GLFW_PRESS)
		return;
	if (key == GLFW_KEY_ESCAPE)
		requestClose();
	else if (key == GLFW_KEY_F || key == GLFW_KEY_F11)
		toggleFullscreen();
}

void GlWindowSink::requestClose()
{
	if (!window_ || closed_)
		return;
	/* The same path as the close button: glfwSetWindowShouldClose does
	 * not run the close callback itself. */
	glfwSetWindowShouldClose(window_, GLFW_TRUE);
	closed_ = true;
	if (onClose_)
		onClose_();
}

void GlWindowSink::toggleFullscreen()
{
	if (!window_)
		return;
	if (fullscreen_) {
		glfwSetWindowMonitor(window_, nullptr, windowedX_, windowedY_, windowedWidth_,
				     windowedHeight_, GLFW_DONT_CARE);
		fullscreen_ = false;
		return;
	}
	GLFWmonitor *monitor = glfwGetPrimaryMonitor();
	const GLFWvidmode *mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
	if (!mode) {
		fprintf(stderr, "primecam: gl-window: no monitor to go fullscreen on\n");
		return;
	}
	glfwGetWindowPos(window_, &windowedX_, &windowedY_);
	glfwGetWindowSize(window_, &windowedWidth_, &windowedHeight_);
	glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
	fullscreen_ = true;
}

int GlWindowSink::consume(FrameRef frame)
{
	return frames_.consume(std::move(frame));
}

Result<bool> GlWindowSink::draw(const FrameBuffer &buffer)
{
	if (!display_->makeCurrent())
		return Error{EIO, describe() + ": eglMakeCurrent failed"};
	int width = 0, height = 0;
	glfwGetFramebufferSize(window_, &width, &height);
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glViewport(0, 0, width, height);
	glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
	glClear(GL_COLOR_BUFFER_BIT);

	/* Letterbox: the largest rectangle of the frame's aspect ratio that
	 * fits, centred; the rest stays black. */
	double scale = std::min(static_cast<double>(width) / frameWidth_,
				static_cast<double>(height) / frameHeight_);
	int w = std::max(1, static_cast<int>(std::lround(frameWidth_ * scale)));
	int h = std::max(1, static_cast<int>(std::lround(frameHeight_ * scale)));
	glViewport((width - w) / 2, (height - h) / 2, w, h);

	Result<bool> drawn = renderer_->draw(buffer);
	if (!drawn)
		return Error{drawn.error().code, describe() + ": " + drawn.error().message};
	glfwSwapBuffers(window_);
	return drawn;
}

void GlWindowSink::stop()
{
	frames_.stop();
	/* The loop may go before this sink: let go of it now. */
	connectionWatch_.reset();
	if (loop_ && eventTimer_)
		loop_->cancelTimer(*eventTimer_);
	eventTimer_.reset();
}

} /* namespace primecam */
