/* SPDX-License-Identifier: MIT */
#include "egl/egl_display.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include <GLES3/gl3.h>

#include "base/leak_check.h"
#include "egl/mesa_driver_override.h"

namespace primecam {

namespace {

bool hasExtension(const char *list, std::string_view name)
{
	if (!list)
		return false;
	std::string_view all(list);
	size_t pos = 0;
	while ((pos = all.find(name, pos)) != std::string_view::npos) {
		size_t end = pos + name.size();
		if ((pos == 0 || all[pos - 1] == ' ') && (end == all.size() || all[end] == ' '))
			return true;
		pos = end;
	}
	return false;
}

template<typename T>
T proc(const char *name)
{
	return reinterpret_cast<T>(eglGetProcAddress(name));
}

Error eglFailure(std::string_view what)
{
	return Error{EIO, std::string(what) + " failed: " + eglErrorName(eglGetError())};
}

} /* namespace */

const char *eglPlatformName(EglDisplay::Platform platform)
{
	switch (platform) {
	case EglDisplay::Platform::Gbm:
		return "gbm";
	case EglDisplay::Platform::Surfaceless:
		return "surfaceless";
	case EglDisplay::Platform::Window:
		return "window";
	}
	return "?";
}

std::string glErrorText(unsigned error)
{
	char text[32];
	snprintf(text, sizeof(text), "GL error 0x%04x", error);
	return text;
}

const char *eglErrorName(EGLint error)
{
	switch (error) {
	case EGL_SUCCESS:
		return "EGL_SUCCESS";
	case EGL_NOT_INITIALIZED:
		return "EGL_NOT_INITIALIZED";
	case EGL_BAD_ACCESS:
		return "EGL_BAD_ACCESS";
	case EGL_BAD_ALLOC:
		return "EGL_BAD_ALLOC";
	case EGL_BAD_ATTRIBUTE:
		return "EGL_BAD_ATTRIBUTE";
	case EGL_BAD_CONFIG:
		return "EGL_BAD_CONFIG";
	case EGL_BAD_CONTEXT:
		return "EGL_BAD_CONTEXT";
	case EGL_BAD_DISPLAY:
		return "EGL_BAD_DISPLAY";
	case EGL_BAD_MATCH:
		return "EGL_BAD_MATCH";
	case EGL_BAD_PARAMETER:
		return "EGL_BAD_PARAMETER";
	case EGL_BAD_SURFACE:
		return "EGL_BAD_SURFACE";
	default:
		return "EGL error";
	}
}

Result<std::unique_ptr<EglDisplay>> EglDisplay::open(Platform platform, const std::string &card)
{
	std::unique_ptr<EglDisplay> self(new EglDisplay);
	self->platform_ = platform;
	std::optional<MesaDriverOverride> driverOverride;

	const char *clientExts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	auto getPlatformDisplay = proc<PFNEGLGETPLATFORMDISPLAYEXTPROC>("eglGetPlatformDisplayEXT");
	if (!hasExtension(clientExts, "EGL_EXT_platform_base") || !getPlatformDisplay)
		return Error{ENOTSUP, "EGL: no EGL_EXT_platform_base (eglGetPlatformDisplayEXT)"};

	if (platform == Platform::Gbm) {
		if (!hasExtension(clientExts, "EGL_KHR_platform_gbm") &&
		    !hasExtension(clientExts, "EGL_MESA_platform_gbm"))
			return Error{ENOTSUP, "EGL: the GBM platform is not offered"};
		/* For buffers: a GL sink must not take DRM master, which a kms
		 * sink on the same card may need. */
		Result<Card> opened = Card::openByName(card, Card::Role::Buffers);
		if (!opened)
			return std::move(opened).error();
		self->card_ = std::move(*opened);
		/* Until eglInitialize(), which loads the driver too. */
		driverOverride.emplace(self->card_.driver());
		self->gbm_ = gbm_create_device(self->card_.fd());
		if (!self->gbm_)
			return Error::fromErrno(errno ? errno : EIO,
						"gbm_create_device(" + self->card_.describe() +
							")");
		self->display_ = getPlatformDisplay(EGL_PLATFORM_GBM_KHR, self->gbm_, nullptr);
	} else {
		if (!hasExtension(clientExts, "EGL_MESA_platform_surfaceless"))
			return Error{ENOTSUP, "EGL: the surfaceless platform is not offered"};
		self->display_ = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA,
						    EGL_DEFAULT_DISPLAY, nullptr);
	}
	if (self->display_ == EGL_NO_DISPLAY)
		return eglFailure(std::string("eglGetPlatformDisplayEXT(") +
				  eglPlatformName(platform) + ")");

	Result<void> ret = self->initialize();
	if (!ret)
		return Error{ret.error().code, self->describe() + ": " + ret.error().message};
	return self;
}

Result<void> EglDisplay::initialize()
{
	EGLint major = 0, minor = 0;
	if (!eglInitialize(display_, &major, &minor))
		return eglFailure("eglInitialize");
	/* Sanitized builds only: Mesa's driver stays loaded for the leak
	 * check (base/leak_check.h). */
	keepLibrariesLoaded();

	/* Extensions are asked once, here; everything later reads caps_. */
	const char *exts = eglQueryString(display_, EGL_EXTENSIONS);
	queryDisplayCaps(exts);

	if (!hasExtension(exts, "EGL_KHR_surfaceless_context"))
		return Error{ENOTSUP,
			     "EGL_KHR_surfaceless_context not offered: a GL sink "
			     "renders into its own framebuffer objects, without a surface"};
	if (!eglBindAPI(EGL_OPENGL_ES_API))
		return eglFailure("eglBindAPI(EGL_OPENGL_ES_API)");

	EGLConfig config = nullptr;
	if (!hasExtension(exts, "EGL_KHR_no_config_context")) {
		const EGLint attribs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_SURFACE_TYPE,
					  0, EGL_NONE};
		EGLint count = 0;
		if (!eglChooseConfig(display_, attribs, &config, 1, &count) || count < 1)
			return Error{ENOTSUP, "no EGL config for a GLES 3 context"};
	}
	const EGLint contextAttribs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_NONE};
	context_ = eglCreateContext(display_, config, EGL_NO_CONTEXT, contextAttribs);
	if (context_ == EGL_NO_CONTEXT)
		return eglFailure("eglCreateContext(GLES 3)");
	Result<void> current = makeCurrent();
	if (!current)
		return current;

	queryContextCaps();
	return {};
}

void EglDisplay::queryDisplayCaps(const char *exts)
{
	caps_.vendor = eglQueryString(display_, EGL_VENDOR) ?: "";
	caps_.version = eglQueryString(display_, EGL_VERSION) ?: "";
	caps_.dmaBufImport = hasExtension(exts, "EGL_EXT_image_dma_buf_import");
	caps_.dmaBufModifiers = hasExtension(exts, "EGL_EXT_image_dma_buf_import_modifiers");
	caps_.fenceSync = hasExtension(exts, "EGL_KHR_fence_sync");
	caps_.nativeFenceSync = hasExtension(exts, "EGL_ANDROID_native_fence_sync");
	if (hasExtension(exts, "EGL_MESA_query_driver")) {
		auto driverName = proc<const char *(*)(EGLDisplay)>("eglGetDisplayDriverName");
		const char *name = driverName ? driverName(display_) : nullptr;
		caps_.driver = name ? name : "";
	}
	const char *clientExts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (hasExtension(clientExts, "EGL_EXT_device_query")) {
		auto queryDisplay =
			proc<PFNEGLQUERYDISPLAYATTRIBEXTPROC>("eglQueryDisplayAttribEXT");
		auto queryDevice = proc<PFNEGLQUERYDEVICESTRINGEXTPROC>("eglQueryDeviceStringEXT");
		EGLAttrib device = 0;
		if (queryDisplay && queryDevice &&
		    queryDisplay(display_, EGL_DEVICE_EXT, &device) && device) {
			/* EGL_EXT_device_query hands the device back as an
			 * EGLAttrib (an intptr_t) holding its handle. */
			/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
			auto dev = reinterpret_cast<EGLDeviceEXT>(device);
			if (hasExtension(queryDevice(dev, EGL_EXTENSIONS), "EGL_EXT_device_drm")) {
				const char *file = queryDevice(dev, EGL_DRM_DEVICE_FILE_EXT);
				caps_.deviceFile = file ? file : "";
			}
		}
	}
}

/* What the current context offers, and the entry points of the extensions. */
void EglDisplay::queryContextCaps()
{
	const char *glExts = reinterpret_cast<const char *>(glGetString(GL_EXTENSIONS));
	const char *renderer = reinterpret_cast<const char *>(glGetString(GL_RENDERER));
	const char *glVersion = reinterpret_cast<const char *>(glGetString(GL_VERSION));
	caps_.renderer = renderer ? renderer : "";
	caps_.glVersion = glVersion ? glVersion : "";
	caps_.imageExternal = hasExtension(glExts, "GL_OES_EGL_image_external");
	caps_.softwareRenderer = caps_.driver == "kms_swrast" || caps_.driver == "swrast" ||
				 caps_.renderer.starts_with("llvmpipe") ||
				 caps_.renderer.starts_with("softpipe");

	if (caps_.dmaBufImport) {
		createImage = proc<PFNEGLCREATEIMAGEKHRPROC>("eglCreateImageKHR");
		destroyImage = proc<PFNEGLDESTROYIMAGEKHRPROC>("eglDestroyImageKHR");
		imageTargetTexture =
			proc<void (*)(unsigned int, void *)>("glEGLImageTargetTexture2DOES");
		if (!createImage || !destroyImage || !imageTargetTexture)
			caps_.dmaBufImport = false;
	}
	if (caps_.fenceSync) {
		createSync = proc<PFNEGLCREATESYNCKHRPROC>("eglCreateSyncKHR");
		destroySync = proc<PFNEGLDESTROYSYNCKHRPROC>("eglDestroySyncKHR");
		clientWaitSync = proc<PFNEGLCLIENTWAITSYNCKHRPROC>("eglClientWaitSyncKHR");
		if (!createSync || !destroySync || !clientWaitSync)
			caps_.fenceSync = caps_.nativeFenceSync = false;
	}
	if (caps_.nativeFenceSync) {
		dupNativeFenceFd =
			proc<PFNEGLDUPNATIVEFENCEFDANDROIDPROC>("eglDupNativeFenceFDANDROID");
		if (!dupNativeFenceFd)
			caps_.nativeFenceSync = false;
	}
}

Result<std::unique_ptr<EglDisplay>> EglDisplay::adopt(EGLDisplay display, EGLContext context,
						      EGLSurface surface)
{
	if (display == EGL_NO_DISPLAY || context == EGL_NO_CONTEXT)
		return Error{EINVAL, "EGL: no display or context to adopt"};
	std::unique_ptr<EglDisplay> self(new EglDisplay);
	self->platform_ = Platform::Window;
	self->adopted_ = true;
	self->display_ = display;
	self->context_ = context;
	self->surface_ = surface;
	self->queryDisplayCaps(eglQueryString(display, EGL_EXTENSIONS));
	Result<void> current = self->makeCurrent();
	if (!current)
		return std::move(current).error();
	self->queryContextCaps();
	return self;
}

EglDisplay::~EglDisplay()
{
	/* An adopted display, context and surface are the toolkit's. */
	if (display_ != EGL_NO_DISPLAY && !adopted_) {
		eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
		if (context_ != EGL_NO_CONTEXT)
			eglDestroyContext(display_, context_);
		eglTerminate(display_);
	}
	if (gbm_)
		gbm_device_destroy(gbm_);
	/* card_ closes its fd after the GBM device that used it. */
}

Result<void> EglDisplay::makeCurrent() const
{
	if (eglGetCurrentContext() == context_)
		return {};
	if (!eglMakeCurrent(display_, surface_, surface_, context_))
		return eglFailure("eglMakeCurrent");
	return {};
}

std::string EglDisplay::describe() const
{
	if (platform_ == Platform::Surfaceless)
		return "surfaceless";
	if (platform_ == Platform::Window)
		return "window";
	return std::string("gbm ") + card_.describe();
}

std::string EglDisplay::summary() const
{
	std::string text = "EGL " + describe() + ": " + caps_.vendor + " EGL " + caps_.version;
	if (!caps_.driver.empty())
		text += ", driver " + caps_.driver;
	if (!caps_.deviceFile.empty())
		text += " on " + caps_.deviceFile;
	text += ", renderer " + caps_.renderer + "; dma-buf import " +
		(caps_.dmaBufImport ? caps_.dmaBufModifiers ? "yes (with modifiers)" : "yes"
				    : "no");
	if (caps_.dmaBufImport && caps_.softwareRenderer)
		text += ", real for the card's own buffers only (software rasterizer: "
			"foreign dma-bufs are uploaded)";
	text += "; fences ";
	text += caps_.nativeFenceSync ? "native"
		: caps_.fenceSync     ? "EGL_KHR_fence_sync"
				      : "none (glFinish)";
	return text;
}

} /* namespace primecam */
