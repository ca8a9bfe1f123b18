/* SPDX-License-Identifier: MIT */
/* primecam-glfw.so: the gl-window sink, loaded only for a config with one
 * (or its doctor). A module of its own, apart from primecam-egl.so, so that
 * a machine without GLFW (libglfw3) still has the headless GL sinks. */
#include "egl/gl_window_sink.h"
#include "modules/module_api.h"

namespace primecam {
namespace {

class GlWindowModule final : public GlWindowBackend
{
public:
	std::unique_ptr<Sink> makeWindow(const GlSinkConfig &config) const override
	{
		return std::make_unique<GlWindowSink>(config);
	}

	Result<GlProbe> probe() const override
	{
		Result<EglCaps> caps = GlWindowSink::probe();
		if (!caps)
			return std::move(caps).error();
		GlProbe probe;
		probe.display = "window";
		probe.renderer = caps->renderer;
		probe.dmaBufImport = caps->dmaBufImport;
		/* No card to allocate on: a software rasterizer's imports are
		 * never safe here (see EglCaps). */
		probe.softwareRenderer = caps->softwareRenderer;
		probe.card = caps->deviceFile;
		return probe;
	}
};

const GlWindowModule backend;
const ModuleEntry entry{kModuleAbiVersion, "glfw", nullptr, nullptr, &backend, nullptr};

} /* namespace */
} /* namespace primecam */

extern "C" __attribute__((visibility("default"))) const primecam::ModuleEntry *
primecam_module_entry()
{
	return &primecam::entry;
}
