/* SPDX-License-Identifier: MIT */
/* primecam-egl.so: the gl-headless and gl-kms sinks and the EGL section of
 * `primecam list`, loaded only when a config or `list` needs EGL. */
#include "egl/egl_display.h"
#include "egl/gl_composed_sink.h"
#include "egl/gl_composition.h"
#include "egl/gl_headless_sink.h"
#include "egl/gl_kms_sink.h"
#include "modules/module_api.h"

namespace primecam {
namespace {

class GlModule final : public GlBackend
{
public:
	GlSinkParts makeHeadless(const GlSinkConfig &config) const override
	{
		auto sink = std::make_unique<GlHeadlessSink>(config);
		GlHeadlessSink *headless = sink.get();
		GlSinkParts parts;
		parts.readPixels = [headless] { return headless->readPixels(); };
		parts.sink = std::move(sink);
		return parts;
	}

	GlSinkParts makeKms(const KmsSinkConfig &kms, const GlSinkConfig &gl) const override
	{
		auto sink = std::make_unique<GlKmsSink>(kms, gl);
		GlSinkParts parts;
		parts.kms = &sink->kms();
		parts.sink = std::move(sink);
		return parts;
	}

	std::shared_ptr<GlComposition> makeComposition(const KmsSinkConfig &display) const override
	{
		return std::make_shared<GlComposition>(display);
	}

	GlSinkParts makeComposed(const KmsSinkConfig &kms, const GlSinkConfig &gl,
				 std::shared_ptr<GlComposition> composition) const override
	{
		GlSinkParts parts;
		parts.kms = &composition->kms();
		parts.sink = std::make_unique<GlComposedSink>(kms, gl, std::move(composition));
		return parts;
	}

	Result<GlProbe> probe(const GlSinkConfig &config) const override
	{
		const bool gbm = config.platform == GlSinkConfig::Platform::Gbm;
		Result<std::unique_ptr<EglDisplay>> display = EglDisplay::open(
			gbm ? EglDisplay::Platform::Gbm : EglDisplay::Platform::Surfaceless,
			config.card);
		if (!display)
			return std::move(display).error();
		const EglCaps &caps = (*display)->caps();
		GlProbe probe;
		probe.display = (*display)->describe();
		probe.renderer = caps.renderer;
		probe.dmaBufImport = caps.dmaBufImport;
		probe.softwareRenderer = caps.softwareRenderer;
		probe.card = gbm ? (*display)->card().path() : caps.deviceFile;
		return probe;
	}

	std::string describeDisplays(const std::vector<std::string> &cards) const override
	{
		std::string text;
		for (const std::string &path : cards) {
			Result<std::unique_ptr<EglDisplay>> display =
				EglDisplay::open(EglDisplay::Platform::Gbm, path);
			text += display ? (*display)->summary() + "\n"
					: "EGL gbm " + path + ": " + display.error().message + "\n";
		}
		Result<std::unique_ptr<EglDisplay>> surfaceless =
			EglDisplay::open(EglDisplay::Platform::Surfaceless, "");
		text += surfaceless ? (*surfaceless)->summary() + "\n"
				    : "EGL surfaceless: " + surfaceless.error().message + "\n";
		return text;
	}
};

const GlModule backend;
const ModuleEntry entry{kModuleAbiVersion, "egl", nullptr, &backend, nullptr, nullptr};

} /* namespace */
} /* namespace primecam */

extern "C" __attribute__((visibility("default"))) const primecam::ModuleEntry *
primecam_module_entry()
{
	return &primecam::entry;
}
