/* SPDX-License-Identifier: MIT */
#include <algorithm>

#include "alloc/dumb_allocator.h"
#include "drm/card.h"
#include "drm/kms_resources.h"
#include "drm/kms_sink.h"
#include "modules/module_registry.h"
#include "pipeline/buffer_pool.h"
#include "src/doctor.h"
#include "src/scaling_advice.h"
#include "v4l2/v4l2_source.h"

namespace primecam {

namespace {

void gatherCameraFacts(const LibcameraConfig &config, SourceFacts &facts)
{
	Result<const LibcameraBackend *> libcamera = ModuleRegistry::instance().libcamera();
	if (!libcamera) {
		facts.error = libcamera.error().message;
		return;
	}
	Result<CameraProbe> probe = (*libcamera)->probeCamera(config);
	if (!probe) {
		facts.error = probe.error().message;
		return;
	}
	const CameraInfo &camera = probe->camera;
	facts.name = "libcamera \"" + camera.id + "\"" +
		     (camera.model.empty() ? std::string() : " (" + camera.model + ")");
	/* The viewfinder stream's formats: what configure() will ask for. */
	for (const CameraInfo::StreamFormat &f : camera.formats) {
		if (f.format)
			facts.formats.push_back(f.format);
		else
			facts.unknownFourccs.push_back(f.fourcc);
	}
	if (probe->adjustment)
		facts.notes.push_back(*probe->adjustment + "; the display must fit that size");
}

/*
 * The colorimetry the device reports for the configured YUV format and size
 * (TRY_FMT: nothing changes), on the input it is on now: what run gets
 * unless the config selects another input (not asked then: the doctor does
 * not switch inputs) or sets a control that changes it (vivid's "Y'CbCr
 * Encoding"; the report says it asked before them). A device left on an
 * input with other colorimetry (vivid's HDMI input gives BT.709 at HD
 * timings) is why it must be asked rather than assumed.
 */
std::optional<YuvEncoding> deviceEncoding(const CaptureConfig &capture, const VideoDevice &device)
{
	if (!capture.format || !capture.format->yuv || capture.input ||
	    capture.memory == CaptureConfig::Memory::Libv4l2)
		return std::nullopt;
	/* The contiguous fourcc, as the source asks unless told otherwise;
	 * colorimetry does not depend on the plane layout. */
	uint32_t fourcc = capture.format->v4l2 ? capture.format->v4l2 : capture.format->v4l2Mplane;
	Result<v4l2_format> fmt = device.tryFormat(fourcc, capture.width, capture.height);
	if (!fmt)
		return std::nullopt;
	Result<FrameLayout> layout = layoutFromKernel(kernelFormatFrom(*fmt));
	if (!layout || layout->format != capture.format)
		return std::nullopt;
	return layout->encoding;
}

void gatherV4l2Facts(const V4l2SourceConfig &capture, SourceFacts &facts)
{
	if (capture.memory == CaptureConfig::Memory::Dmabuf && capture.pool == PoolKind::Dumb) {
		Result<Card> pool = Card::openByName(capture.poolCard);
		if (pool)
			facts.poolCard = pool->path();
	}

	V4l2Source source(capture);
	source.setNonContiguous(capture.nonContiguous);
	Result<void> probed = source.probe();
	if (!probed) {
		facts.error = probed.error().message;
	} else {
		facts.name = source.device()->describe();
		facts.driver = source.device()->driver();
		facts.encoding = deviceEncoding(capture, *source.device());
		if (facts.encoding && !capture.controls.empty())
			facts.notes.push_back("its colorimetry was asked before the config's "
					      "controls, which run sets first and which may change "
					      "it");
		Result<std::vector<FormatDescription>> formats = source.device()->enumFormats();
		if (!formats) {
			facts.error = formats.error().message;
		} else {
			for (const FormatDescription &d : *formats) {
				/* Aliases (BGR4 and XR24 are both XRGB8888)
				 * would list a format twice. */
				const PixelFormatInfo *f = formatByV4l2(d.fourcc);
				auto &known = facts.formats;
				if (f && std::find(known.begin(), known.end(), f) == known.end())
					known.push_back(f);
				else if (f)
					continue;
				else
					facts.unknownFourccs.push_back(d.fourcc);
			}
		}
		/* The rate: S_PARM grants the driver's nearest, which run
		 * reports in these words when it is not the one asked. */
		if (capture.fps > 0 && !capture.input && capture.format &&
		    capture.memory != CaptureConfig::Memory::Libv4l2) {
			const uint32_t fourcc = capture.format->v4l2 ? capture.format->v4l2
								     : capture.format->v4l2Mplane;
			Result<FrameIntervals> intervals = source.device()->enumFrameIntervals(
				fourcc, capture.width, capture.height);
			std::optional<Fraction> granted =
				intervals ? intervals->nearestTo(capture.fps) : std::nullopt;
			if (granted && rateDiffers(*granted, capture.fps))
				facts.notes.push_back(rateAdjustment(facts.driver, *granted,
								     capture.fps, capture.width,
								     capture.height) +
						      " (VIDIOC_ENUM_FRAMEINTERVALS offers " +
						      intervals->describe() + ")");
		}
		/* The format and size as run would set them: a size the
		 * device does not offer is substituted, and run refuses
		 * it with this very message. */
		Result<void> format = source.tryConfiguredFormat();
		if (!format && !facts.error)
			facts.error = format.error().message;
	}
}

SinkFacts nullSinkFacts()
{
	SinkFacts sink;
	sink.name = "null";
	sink.takesAnything = true;
	return sink;
}

/* What a GL sink's EGL said when asked: import or upload, and where. */
SinkFacts withProbe(SinkFacts sink, const Result<GlProbe> &probe)
{
	if (!probe) {
		sink.error = probe.error().message;
		return sink;
	}
	sink.glImport = probe->dmaBufImport;
	sink.glSoftware = probe->softwareRenderer;
	sink.glCard = probe->card;
	return sink;
}

/* The window system's EGL decides import or upload: it is asked through a
 * hidden window like the sink's. */
SinkFacts glWindowFacts()
{
	SinkFacts sink;
	sink.gl = true;
	sink.name = "gl-window";
	Result<const GlWindowBackend *> window = ModuleRegistry::instance().glWindow();
	if (!window) {
		sink.error = window.error().message;
		return sink;
	}
	Result<GlProbe> probe = (*window)->probe();
	if (probe)
		sink.name = "gl-window (" + probe->renderer + ")";
	return withProbe(std::move(sink), probe);
}

/* gl-headless and gl-kms: the EGL display of the card (or surfaceless). */
SinkFacts glFacts(const SinkConfig &config)
{
	SinkFacts sink;
	const GlSinkConfig &gl = config.gl;
	const std::string type = config.type == SinkConfig::Type::GlKms ? "gl-kms" : "gl-headless";
	sink.gl = true;
	sink.name = type + " " +
		    (gl.platform == GlSinkConfig::Platform::Gbm ? "gbm " + gl.card : "surfaceless");
	Result<const GlBackend *> backend = ModuleRegistry::instance().gl();
	if (!backend) {
		sink.error = backend.error().message;
		return sink;
	}
	Result<GlProbe> probe = (*backend)->probe(gl);
	if (probe)
		sink.name = type + " " + probe->display + " (" + probe->renderer + ")";
	return withProbe(std::move(sink), probe);
}

/*
 * The kms sink `run` would make, configured on one dumb buffer of the frames'
 * format and size: the same choice of connector, CRTC, plane, mode and
 * placement, and the same TEST_ONLY commit, so the doctor cannot say yes
 * where `run` says no. It takes DRM master for the moment (as `run` would);
 * with another client holding the display, the refusal says so.
 */
Result<std::string> tryPlane(const KmsSinkConfig &kms, const PixelFormatInfo &format,
			     uint32_t width, uint32_t height)
{
	Result<BufferAllocator> allocator = makeDumbAllocator(kms.card);
	if (!allocator)
		return std::move(allocator).error();
	Result<std::unique_ptr<BufferPool>> pool =
		BufferPool::create(*allocator, format, width, height, 1);
	if (!pool)
		return Error{pool.error().code,
			     "no " + std::string(format.name) + " " + sizeText(width, height) +
				     " buffer to test the plane with: " + pool.error().message};
	/* Declared after the pool: its framebuffers go first. */
	KmsSink sink(kms);
	sink.setScalingAdvisor(scalingAdvice);
	Result<void> configured = sink.configure((*pool)->buffers());
	if (!configured)
		return std::move(configured).error();
	const KmsOutput &output = *sink.output();
	std::string where = output.plane().describe() + " at " + output.rect().describe();
	if (output.scales())
		where += " (scaled from " + sizeText(output.crop().width, output.crop().height) +
			 (output.crop().x || output.crop().y
				  ? " at +" + std::to_string(output.crop().x) + "+" +
					    std::to_string(output.crop().y)
				  : std::string()) +
			 ")";
	return where + " on mode " + modeName(output.mode());
}

/* The union of the formats over the planes this sink may use: the kind
 * asked for, or the one plane named. For buffers only: asking does not
 * take the display. */
SinkFacts kmsFacts(const KmsSinkConfig &kms)
{
	SinkFacts sink;
	sink.name = "kms " + kms.card;
	Result<Card> card = Card::openByName(kms.card);
	if (!card) {
		sink.error = card.error().message;
		return sink;
	}
	Result<void> caps = card->enableAtomic(false);
	Result<KmsResources> resources =
		caps ? KmsResources::query(*card) : Result<KmsResources>(caps.error());
	if (!resources) {
		sink.error = resources.error().message;
		return sink;
	}
	bool any = false;
	for (const KmsPlane &plane : resources->planes()) {
		bool wanted = kms.plane == KmsSinkConfig::Plane::Id ? plane.id == kms.planeId
			      : kms.plane == KmsSinkConfig::Plane::Primary
				      ? plane.type == KmsPlane::Type::Primary
				      : plane.type == KmsPlane::Type::Overlay;
		if (!wanted)
			continue;
		any = true;
		sink.planes.push_back(plane);
		for (uint32_t f : plane.formats)
			if (std::find(sink.drmFormats.begin(), sink.drmFormats.end(), f) ==
			    sink.drmFormats.end())
				sink.drmFormats.push_back(f);
	}
	sink.driver = card->driver();
	sink.name = "kms " + card->describe() + " " +
		    (kms.plane == KmsSinkConfig::Plane::Id ? "plane " + std::to_string(kms.planeId)
		     : kms.plane == KmsSinkConfig::Plane::Primary ? "primary plane"
								  : "overlay planes");
	if (!any)
		sink.error = "no such plane on " + card->describe();
	else
		sink.tryPlane = [kms](const PixelFormatInfo &format, uint32_t width,
				      uint32_t height) {
			return tryPlane(kms, format, width, height);
		};
	return sink;
}

SinkFacts sinkFacts(const SinkConfig &config)
{
	switch (config.type) {
	case SinkConfig::Type::Null:
		return nullSinkFacts();
	case SinkConfig::Type::GlWindow:
		return glWindowFacts();
	case SinkConfig::Type::GlHeadless:
	case SinkConfig::Type::GlKms:
		return glFacts(config);
	case SinkConfig::Type::Kms:
		break;
	}
	return kmsFacts(config.kms);
}

} /* namespace */

DoctorFacts gatherDoctorFacts(const PipelineConfig &config)
{
	DoctorFacts facts;

	if (config.source().type() == SourceConfig::Type::Libcamera)
		gatherCameraFacts(config.source().libcamera(), facts.source);
	else
		gatherV4l2Facts(config.source().v4l2(), facts.source);
	for (const SinkConfig &sink : config.sinks)
		facts.sinks.push_back(sinkFacts(sink));
	facts.m2mFor = findM2mFor;
	return facts;
}

} /* namespace primecam */
