/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <optional>

#include "base/event_loop.h"
#include "base/fd_watch.h"
#include "base/unique_fd.h"
#include "egl/egl_display.h"

namespace primecam {

/*
 * When has the GPU finished the commands issued so far? A GL sink may let
 * go of a frame (back to the camera) or hand on a rendered buffer (to the
 * display) only then. The GL sinks share this one answer:
 *
 *  - best, a native fence fd (EGL_ANDROID_native_fence_sync) that the event
 *    loop watches like any other fd;
 *  - next, an EGL_KHR_fence_sync fence, polled without waiting
 *    (eglClientWaitSync with timeout 0) every millisecond while armed;
 *  - without either, glFinish: it blocks the loop for one draw, which is the
 *    only way left to know the GPU is done.
 *
 * One fence at a time; done() runs on the loop thread, and for glFinish
 * before arm() returns.
 */
class GpuFence
{
public:
	explicit GpuFence(std::function<void()> done) : done_(std::move(done)) {}
	~GpuFence() { cancel(); }

	GpuFence(const GpuFence &) = delete;
	GpuFence &operator=(const GpuFence &) = delete;

	/* After the draw, with display's context current. allowNative false
	 * skips the native fence (window systems' EGL rarely offer one). */
	void arm(EglDisplay &display, EventLoop &loop, bool allowNative = true);
	/* Forgets the armed fence (its fd, sync object and poll timer)
	 * without calling done(): after done(), or when stopping. */
	void cancel();

private:
	void poll();

	std::function<void()> done_;
	EglDisplay *display_ = nullptr;
	EventLoop *loop_ = nullptr;
	EGLSyncKHR sync_ = EGL_NO_SYNC_KHR;
	UniqueFd fenceFd_;
	FdWatch fenceWatch_; /* after fenceFd_: ends before the fd closes */
	std::optional<EventLoop::TimerId> pollTimer_;
};

} /* namespace primecam */
