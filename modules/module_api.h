/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/image.h"
#include "base/result.h"
#include "camera/camera_report.h"
#include "camera/libcamera_config.h"
#include "drm/kms_sink_config.h"
#include "egl/gl_sink_config.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/sink.h"
#include "pipeline/source.h"
#include "v4l2/capture_config.h"

/*
 * The interface between the primecam program and its back-end modules
 * (primecam-libcamera.so, primecam-egl.so, primecam-glfw.so,
 * primecam-libv4l2.so). The modules are built from this tree by the same
 * compiler, so the interface is plain C++: abstract classes whose methods
 * take and return primecam's own types. Only the headers above cross it;
 * every type of a back end's library (libcamera, EGL, GLFW, libv4l2) stays
 * inside its module, which is why the program can start without them.
 *
 * A module resolves primecam's own code (base/, pipeline/, drm/, v4l2/) from
 * the program, which exports it (export_dynamic), so that there is one copy
 * of that code and its state in a process.
 */

namespace primecam {

class KmsSink;
class GlComposition;

/* Bumped whenever anything in this header changes: a module built against
 * another version is refused at load instead of crashing in a call. */
inline constexpr uint32_t kModuleAbiVersion = 2;

/* The libcamera source (camera/). */
class LibcameraBackend
{
public:
	virtual ~LibcameraBackend() = default;
	virtual std::unique_ptr<Source> makeSource(const LibcameraConfig &config) const = 0;
	/* `primecam list`'s libcamera section. */
	virtual std::string describeCameras() const = 0;
	/* The doctor's question: the camera and what libcamera would adjust. */
	virtual Result<CameraProbe> probeCamera(const LibcameraConfig &config) const = 0;
};

/* A GL sink made by a module, with what `run --snapshot` reads from it. */
struct GlSinkParts {
	std::unique_ptr<Sink> sink;
	/* gl-kms: the display it scans out on (owned by sink). */
	KmsSink *kms = nullptr;
	/* gl-headless: what it rendered last (its FBO); calls into sink. */
	std::function<Result<Image>()> readPixels;
};

/* What the doctor learns from a GL sink's EGL display. */
struct GlProbe {
	std::string display;  /* "gbm /dev/dri/card0 (vkms)", "surfaceless" */
	std::string renderer; /* GL_RENDERER */
	bool dmaBufImport = false;
	bool softwareRenderer = false; /* see EglCaps */
	std::string card;	       /* the DRM node it renders on, if known */
};

/* The EGL/GLES/GBM sinks (egl/): gl-headless and gl-kms. */
class GlBackend
{
public:
	virtual ~GlBackend() = default;
	virtual GlSinkParts makeHeadless(const GlSinkConfig &config) const = 0;
	virtual GlSinkParts makeKms(const KmsSinkConfig &kms, const GlSinkConfig &gl) const = 0;
	/* gl-kms sinks with a layout on one card draw into one buffer: the
	 * composition they share (display: the first one's config), made
	 * once per card, and each sink as a member of it. */
	virtual std::shared_ptr<GlComposition>
	makeComposition(const KmsSinkConfig &display) const = 0;
	virtual GlSinkParts makeComposed(const KmsSinkConfig &kms, const GlSinkConfig &gl,
					 std::shared_ptr<GlComposition> composition) const = 0;
	virtual Result<GlProbe> probe(const GlSinkConfig &config) const = 0;
	/* `primecam list`'s EGL section: GBM over each card, then surfaceless. */
	virtual std::string describeDisplays(const std::vector<std::string> &cards) const = 0;
};

/* The gl-window sink (a GLFW window, egl/gl_window_sink). */
class GlWindowBackend
{
public:
	virtual ~GlWindowBackend() = default;
	virtual std::unique_ptr<Sink> makeWindow(const GlSinkConfig &config) const = 0;
	/* Through a hidden window, as the sink's own. */
	virtual Result<GlProbe> probe() const = 0;
};

/* The libv4l2 compatibility source (v4l2/libv4l2_*). */
class Libv4l2Backend
{
public:
	virtual ~Libv4l2Backend() = default;
	virtual std::unique_ptr<Source>
	makeSource(const CaptureConfig &config, std::optional<BufferAllocator> allocator) const = 0;
};

/* What primecam_module_entry() returns: exactly one back end set. */
struct ModuleEntry {
	uint32_t abiVersion; /* kModuleAbiVersion of the module's build */
	const char *name;    /* "libcamera", "egl", "glfw", "libv4l2" */
	const LibcameraBackend *libcamera;
	const GlBackend *gl;
	const GlWindowBackend *glWindow;
	const Libv4l2Backend *libv4l2;
};

} /* namespace primecam */

/* The one symbol the program looks up in a module: a C symbol, named as
 * one (the name is the dlsym() key, PRIMECAM_MODULE_ENTRY). */
/* NOLINTNEXTLINE(readability-identifier-naming) */
extern "C" const primecam::ModuleEntry *primecam_module_entry();
#define PRIMECAM_MODULE_ENTRY "primecam_module_entry"
