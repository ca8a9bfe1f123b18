/* SPDX-License-Identifier: MIT */
#include "egl/gpu_fence.h"

#include <chrono>

#include <GLES3/gl3.h>
#include <sys/epoll.h>

namespace primecam {

void GpuFence::arm(EglDisplay &display, EventLoop &loop, bool allowNative)
{
	cancel();
	display_ = &display;
	loop_ = &loop;
	const EglCaps &caps = display.caps();
	EGLDisplay dpy = display.display();
	if (allowNative && caps.nativeFenceSync) {
		sync_ = display.createSync(dpy, EGL_SYNC_NATIVE_FENCE_ANDROID, nullptr);
		glFlush();
		int fd = sync_ != EGL_NO_SYNC_KHR ? display.dupNativeFenceFd(dpy, sync_) : -1;
		if (fd >= 0) {
			fenceFd_ = UniqueFd(fd);
			if (fenceWatch_.watch(loop, fd, EPOLLIN, [this](uint32_t) { done_(); }) ==
			    0)
				return;
			fenceFd_.reset();
		}
		if (sync_ != EGL_NO_SYNC_KHR)
			display.destroySync(dpy, sync_);
		sync_ = EGL_NO_SYNC_KHR;
	} else if (caps.fenceSync) {
		sync_ = display.createSync(dpy, EGL_SYNC_FENCE_KHR, nullptr);
		glFlush();
		if (sync_ != EGL_NO_SYNC_KHR) {
			Result<EventLoop::TimerId> timer =
				loop.addTimer(std::chrono::milliseconds(1),
					      std::chrono::milliseconds(1), [this] { poll(); });
			if (timer) {
				pollTimer_ = *timer;
				return;
			}
			display.destroySync(dpy, sync_);
			sync_ = EGL_NO_SYNC_KHR;
		}
	}
	glFinish();
	done_();
}

void GpuFence::poll()
{
	if (sync_ == EGL_NO_SYNC_KHR)
		return;
	EGLint status = display_->clientWaitSync(display_->display(), sync_, 0, 0);
	if (status == EGL_TIMEOUT_EXPIRED_KHR)
		return;
	done_();
}

void GpuFence::cancel()
{
	fenceWatch_.reset();
	fenceFd_.reset();
	if (sync_ != EGL_NO_SYNC_KHR) {
		display_->destroySync(display_->display(), sync_);
		sync_ = EGL_NO_SYNC_KHR;
	}
	if (pollTimer_) {
		loop_->cancelTimer(*pollTimer_);
		pollTimer_.reset();
	}
}

} /* namespace primecam */
