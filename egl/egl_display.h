/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <string>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <gbm.h>

#include "base/result.h"
#include "drm/card.h"

namespace primecam {

/* What an EGL display and its GLES context offer, asked once at open. */
struct EglCaps {
	std::string vendor;	/* EGL_VENDOR: "Mesa Project" */
	std::string version;	/* EGL_VERSION */
	std::string driver;	/* EGL_MESA_query_driver: "kms_swrast", "iris"; empty if not told */
	std::string renderer;	/* GL_RENDERER: "llvmpipe (LLVM 15.0.6, 256 bits)" */
	std::string glVersion;	/* GL_VERSION */
	std::string deviceFile; /* EGL_EXT_device_query: the DRM node it renders through */
	bool dmaBufImport = false;    /* EGL_EXT_image_dma_buf_import */
	bool dmaBufModifiers = false; /* EGL_EXT_image_dma_buf_import_modifiers */
	bool fenceSync = false;	      /* EGL_KHR_fence_sync */
	bool nativeFenceSync = false; /* EGL_ANDROID_native_fence_sync */
	bool imageExternal = false;   /* GL_OES_EGL_image_external */
	/*
	 * Mesa's software rasterizer (llvmpipe/softpipe, through kms_swrast on
	 * a card node). It "imports" any dma-buf, but reads the pixels through
	 * a dumb-buffer mapping (DRM_IOCTL_MODE_MAP_DUMB), which the kernel
	 * refuses for imported GEM objects: the import succeeds and the first
	 * draw crashes. Only buffers the card itself allocated are safe.
	 */
	bool softwareRenderer = false;
};

/*
 * An EGL display with a current GLES 3 context and no window surface: on
 * GBM over a DRM card (the card's own buffers import for real there, and
 * gl-kms scans out what it renders), or surfaceless. Both through
 * eglGetPlatformDisplayEXT: eglGetDisplay(EGL_DEFAULT_DISPLAY) fails without
 * $DISPLAY, and the EGL device platform is avoided on purpose (Mesa renders
 * through the render node there, where every dma-buf import fails).
 *
 * One per GL sink; the context stays current on the event-loop thread.
 */
class EglDisplay
{
public:
	enum class Platform {
		Gbm,
		Surfaceless,
		Window /* a window system's display, adopted (see adopt()) */
	};

	/* card: a path or a driver name (Gbm only; ignored for Surfaceless). */
	static Result<std::unique_ptr<EglDisplay>> open(Platform platform, const std::string &card);
	/*
	 * The display, context and window surface that a toolkit (GLFW) made
	 * and keeps owning: asks the same caps, so that FrameRenderer imports
	 * or uploads as on the other platforms, and never terminates them.
	 */
	static Result<std::unique_ptr<EglDisplay>> adopt(EGLDisplay display, EGLContext context,
							 EGLSurface surface);
	~EglDisplay();
	EglDisplay(const EglDisplay &) = delete;
	EglDisplay &operator=(const EglDisplay &) = delete;

	EGLDisplay display() const { return display_; }
	Platform platform() const { return platform_; }
	const EglCaps &caps() const { return caps_; }
	/* The GBM card, for gl-kms and for the import probe; invalid for
	 * surfaceless. */
	const Card &card() const { return card_; }
	gbm_device *gbm() const { return gbm_; }
	/* Makes this display's context current (several GL sinks may share
	 * the thread). */
	Result<void> makeCurrent() const;

	/* "gbm vkms (/dev/dri/card0)" or "surfaceless" */
	std::string describe() const;
	/* One line for `primecam list` and the doctor: platform, renderer,
	 * whether dma-buf import is offered. */
	std::string summary() const;

	/* Entry points of the extensions, loaded once (null when not offered). */
	PFNEGLCREATEIMAGEKHRPROC createImage = nullptr;
	PFNEGLDESTROYIMAGEKHRPROC destroyImage = nullptr;
	PFNEGLCREATESYNCKHRPROC createSync = nullptr;
	PFNEGLDESTROYSYNCKHRPROC destroySync = nullptr;
	PFNEGLCLIENTWAITSYNCKHRPROC clientWaitSync = nullptr;
	PFNEGLDUPNATIVEFENCEFDANDROIDPROC dupNativeFenceFd = nullptr;
	void (*imageTargetTexture)(unsigned int target, void *image) = nullptr;

private:
	EglDisplay() = default;
	Result<void> initialize();
	void queryDisplayCaps(const char *exts);
	void queryContextCaps();

	Platform platform_ = Platform::Gbm;
	Card card_;
	gbm_device *gbm_ = nullptr;
	EGLDisplay display_ = EGL_NO_DISPLAY;
	EGLContext context_ = EGL_NO_CONTEXT;
	/* Window only: the adopted surface; the toolkit owns all three. */
	EGLSurface surface_ = EGL_NO_SURFACE;
	bool adopted_ = false;
	EglCaps caps_;
};

const char *eglPlatformName(EglDisplay::Platform platform);
/* "EGL_BAD_MATCH" */
const char *eglErrorName(EGLint error);
/* "GL error 0x0502": glGetError()'s code, for a message. */
std::string glErrorText(unsigned error);

} /* namespace primecam */
