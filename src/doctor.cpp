/* SPDX-License-Identifier: MIT */
#include "src/doctor.h"

#include <algorithm>
#include <cstdio>

#include "drm/card.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"
#include "modules/module_registry.h"
#include "pipeline/stages/grayscale_stage.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/luma_stage.h"
#include "pipeline/stages/overlay_stage.h"
#include "src/config_parser.h"
#include "src/doctor_m2m.h"
#include "v4l2/v4l2_source.h"

namespace primecam {

namespace {

std::string formatList(const std::vector<const PixelFormatInfo *> &formats)
{
	std::string text;
	for (const PixelFormatInfo *f : formats)
		text += (text.empty() ? "" : ", ") + std::string(f->name);
	return text.empty() ? "none" : text;
}

const char *stageTypeName(StageConfig::Type type)
{
	switch (type) {
	case StageConfig::Type::Invert:
		return "invert";
	case StageConfig::Type::Grayscale:
		return "grayscale";
	case StageConfig::Type::Overlay:
		return "overlay";
	case StageConfig::Type::Luma:
		return "luma";
	case StageConfig::Type::Convert:
		return "convert";
	case StageConfig::Type::M2m:
		return "m2m";
	}
	return "?";
}

/* Whether a stage takes frames of format (what its configure() checks). */
bool stageTakes(const StageConfig &stage, const PixelFormatInfo &format, YuvEncoding encoding)
{
	switch (stage.type) {
	case StageConfig::Type::Invert:
		return true;
	case StageConfig::Type::Grayscale:
		return GrayscaleStage::supports(format);
	case StageConfig::Type::Overlay:
		return OverlayStage::supports(format);
	case StageConfig::Type::Luma:
		return LumaStage::supports(format);
	case StageConfig::Type::Convert:
		return canConvert(format, *stage.format, stage.encoding.applyTo(encoding));
	case StageConfig::Type::M2m:
		return diagnoseM2m(stage, format).takes;
	}
	return false;
}

/* The memory the frames are in, as the source delivers them. */
std::string sourceMemory(const SourceConfig &source)
{
	if (source.type() == SourceConfig::Type::Libcamera)
		return "libcamera's FrameBuffers (dma-bufs from its FrameBufferAllocator, "
		       "imported as they are)";
	const CaptureConfig &c = source.v4l2();
	switch (c.memory) {
	case CaptureConfig::Memory::Mmap:
		return "driver buffers exported as dma-bufs (VIDIOC_EXPBUF)";
	case CaptureConfig::Memory::Dmabuf:
		return std::string("dma-bufs from the ") +
		       (c.pool == CaptureConfig::Pool::Dumb	 ? "dumb buffers of " + c.poolCard
			: c.pool == CaptureConfig::Pool::DmaHeap ? std::string("dma-heap")
								 : std::string("udmabuf pool")) +
		       ", imported by the device (V4L2_MEMORY_DMABUF)";
	case CaptureConfig::Memory::Libv4l2:
		return "libv4l2's own buffers, then copied by the CPU into dma-bufs from the " +
		       std::string(c.pool == CaptureConfig::Pool::Dumb
					   ? "dumb buffers of " + c.poolCard
				   : c.pool == CaptureConfig::Pool::DmaHeap ? "dma-heap"
									    : "udmabuf pool");
	}
	return "?";
}

} /* namespace */

const char *doctorVerdictName(DoctorVerdict verdict)
{
	switch (verdict) {
	case DoctorVerdict::ZeroCopy:
		return "zero-copy";
	case DoctorVerdict::Conversion:
		return "one CPU conversion, display side zero-copy";
	case DoctorVerdict::Copy:
		return "not zero-copy: a CPU copy per frame";
	case DoctorVerdict::Impossible:
		return "impossible as configured";
	}
	return "?";
}

std::string DoctorReport::text() const
{
	std::string out;
	for (const std::string &line : lines)
		out += line + "\n";
	out += std::string("verdict: ") + doctorVerdictName(verdict) + "\n";
	return out;
}

DoctorReport diagnose(const PipelineConfig &config, const DoctorFacts &facts)
{
	DoctorReport report;
	auto impossible = [&](std::string line) {
		report.lines.push_back(std::move(line));
		report.verdict = DoctorVerdict::Impossible;
	};
	const PixelFormatInfo *format = sourceFormat(config.source);

	/* The source. */
	if (facts.source.error) {
		impossible("source: " + *facts.source.error);
		return report;
	}
	report.lines.push_back("source: " + facts.source.name + " offers " +
			       formatList(facts.source.formats));
	bool offered = std::find(facts.source.formats.begin(), facts.source.formats.end(),
				 format) != facts.source.formats.end();
	bool libv4l2 = config.source.type() == SourceConfig::Type::V4l2 &&
		       config.source.v4l2().memory == CaptureConfig::Memory::Libv4l2;
	/* What libv4lconvert can make from Bayer, MJPEG and YUV a device gives:
	 * its destination formats. */
	bool emulated = false;
	for (const char *name : {"BGR888", "RGB888", "YUV420", "YVU420"})
		emulated = emulated || format == formatByName(name);
	if (!offered && !(libv4l2 && emulated)) {
		std::string line = "source: " + facts.source.name + " does not capture " +
				   std::string(format->name);
		if (!libv4l2 && emulated)
			line += "; libv4l2 (memory = \"libv4l2\") could emulate it, with a CPU "
				"copy of every frame";
		impossible(line + "; set format to one it offers");
		return report;
	}
	std::string captures = "source: captures " + std::string(format->name) + " " +
			       std::to_string(sourceWidth(config.source)) + "x" +
			       std::to_string(sourceHeight(config.source)) + " into " +
			       sourceMemory(config.source);
	if (libv4l2) {
		report.lines.push_back(
			captures + ": NOT zero-copy: " +
			(offered ? "libv4l2 passes the device's native " +
					   std::string(format->name) + " through, "
				 : "libv4l2 converts the device's native format to " +
					   std::string(format->name) + " in user space, ") +
			"and every frame is copied by the CPU into a dma-buf the sinks can "
			"import (counted as source_copies). Use memory = \"mmap\" or \"dmabuf\" "
			"with a format the device offers to avoid it");
	} else {
		report.lines.push_back(captures + ": no copy");
	}
	for (const std::string &note : facts.source.notes)
		report.lines.push_back("source: " + note);
	/* What converters read YUV with, unless a stage or sink overrides it. */
	YuvEncoding encoding = facts.source.encoding.value_or(YuvEncoding{});
	if (format->yuv)
		report.lines.push_back(
			"source: " + std::string(format->name) + " colour: " + describe(encoding) +
			(facts.source.encoding ? " (the device's colorimetry)"
					       : " (assumed: the device was not asked)"));

	/* The stages, in order: each sees the format the one before left. */
	bool converted = false;
	for (size_t i = 0; i < config.stages.size(); ++i) {
		const StageConfig &stage = config.stages[i];
		std::string name = "stage[" + std::to_string(i) + "] " + stageTypeName(stage.type);
		if (stage.type == StageConfig::Type::M2m) {
			M2mDiagnosis m2m = diagnoseM2m(stage, *format);
			if (!m2m.takes) {
				impossible(name + ": " + m2m.line);
				return report;
			}
			report.lines.push_back(name + ": " + m2m.line);
			format = stage.m2m.format;
			continue;
		}
		if (!stageTakes(stage, *format, encoding)) {
			impossible(name + ": cannot take " + std::string(format->name) +
				   (stage.type == StageConfig::Type::Convert
					    ? " -> " + std::string(stage.format->name)
					    : std::string()));
			return report;
		}
		switch (stage.type) {
		case StageConfig::Type::Luma:
			report.lines.push_back(name +
					       ": reads the frame in place (SYNC READ), no copy");
			break;
		case StageConfig::Type::Convert:
			report.lines.push_back(
				name + ": converts " + std::string(format->name) + " -> " +
				std::string(stage.format->name) +
				(format->yuv ? " (" + stage.encoding.describeFor(encoding) + ")"
					     : std::string()) +
				" with libyuv into its own pool: one CPU pass per "
				"frame (counted as conversions)");
			format = stage.format;
			converted = true;
			break;
		default:
			report.lines.push_back(
				name + ": changes the frame in place (SYNC READ_WRITE), no copy");
			break;
		}
	}

	/* The sinks: each must take the format the chain ends with. */
	bool copies = false;
	for (size_t i = 0; i < facts.sinks.size() && i < config.sinks.size(); ++i) {
		const DoctorFacts::Sink &sink = facts.sinks[i];
		std::string name = "sink[" + std::to_string(i) + "] " + sink.name;
		if (sink.error) {
			impossible(name + ": " + *sink.error);
			continue;
		}
		if (sink.takesAnything) {
			report.lines.push_back(name + ": takes any format, no copy");
			continue;
		}
		if (sink.gl) {
			const GlSinkConfig &gl = config.sinks[i].gl;
			/* gl-kms: what GL draws is the display's own XRGB8888
			 * buffers, which the plane scans out as they are. */
			const std::string scanout =
				config.sinks[i].type == SinkConfig::Type::GlKms
					? "; GL draws it (a GPU pass, scaled to the output) into "
					  "the "
					  "display's own XRGB8888 buffers, which KMS scans out"
					: "";
			if (!glCanDraw(*format)) {
				impossible(name + ": GL cannot draw " + std::string(format->name) +
					   "; it takes " + glDrawableFormats());
				continue;
			}
			const bool external = gl.texture == GlSinkConfig::Texture::External;
			if (external && format->yuv) {
				if (auto why = externalYuvRefusal(*format,
								  gl.encoding.applyTo(encoding),
								  sink.glSoftware)) {
					impossible(name + ": texture = \"external\": " + *why);
					continue;
				}
			}
			/* The card's own dumb buffers, captured into directly. */
			const bool v4l2 = config.source.type() == SourceConfig::Type::V4l2;
			bool ownBuffers =
				!converted && v4l2 &&
				config.source.v4l2().memory == CaptureConfig::Memory::Dmabuf &&
				config.source.v4l2().pool == CaptureConfig::Pool::Dumb &&
				!sink.glCard.empty() && facts.source.poolCard == sink.glCard;
			std::string upload = ": uploads every frame from a CPU mapping "
					     "(SYNC-bracketed, counted as copies): ";
			if (gl.import == GlSinkConfig::Import::Upload) {
				report.lines.push_back(name + upload + "import = \"upload\"" +
						       scanout);
				copies = true;
			} else if (!sink.glImport) {
				report.lines.push_back(
					name + upload +
					"EGL offers no EGL_EXT_image_dma_buf_import" + scanout);
				copies = true;
			} else if (sink.glSoftware && !ownBuffers) {
				report.lines.push_back(
					name + upload +
					"Mesa's software rasterizer (kms_swrast) reads imports "
					"through dumb-buffer mappings, which the kernel refuses "
					"for "
					"foreign dma-bufs (the first draw would crash); capture "
					"into " +
					(sink.glCard.empty() ? std::string("the GL card")
							     : sink.glCard) +
					"'s own buffers (memory = \"dmabuf\", pool = \"dumb\") "
					"for zero-copy" +
					scanout);
				copies = true;
			} else {
				report.lines.push_back(
					name + ": imports each buffer once as EGLImage" +
					(format->yuv && format->numPlanes > 1 && !external
						 ? "s (one per plane)"
						 : "") +
					" and draws " + std::string(format->name) +
					(!format->yuv ? ""
					 : external
						 ? " as an external texture, the driver converting "
						   "it -> RGB (" +
							   gl.encoding.describeFor(encoding) + ")"
						 : " -> RGB in its shader (" +
							   gl.encoding.describeFor(encoding) +
							   ")") +
					scanout +
					(scanout.empty() ? ": no copy" : ": no CPU copy"));
			}
			continue;
		}
		bool takes =
			format->drm && std::find(sink.drmFormats.begin(), sink.drmFormats.end(),
						 format->drm) != sink.drmFormats.end();
		if (takes) {
			report.lines.push_back(name + ": scans out " + std::string(format->name) +
					       " directly, importing the buffers (PRIME): no copy");
			continue;
		}
		std::string line = name + ": cannot scan out " + std::string(format->name) +
				   "; it takes " +
				   formatList(std::span<const uint32_t>(sink.drmFormats));
		/* The fix, when a conversion gets there. */
		const PixelFormatInfo *fix = nullptr;
		for (const PixelFormatInfo *t : conversionTargets()) {
			bool planeTakes = std::find(sink.drmFormats.begin(), sink.drmFormats.end(),
						    t->drm) != sink.drmFormats.end();
			if (planeTakes && canConvert(*format, *t)) {
				fix = t;
				break;
			}
		}
		if (fix)
			line += "; add [[stage]] type = \"convert\" format = \"" +
				std::string(fix->name) +
				"\" before the sinks (a CPU conversion "
				"with libyuv), or show it through a gl-kms sink instead (the GPU "
				"converts into the card's own buffers)";
		impossible(line);
	}

	if (report.verdict != DoctorVerdict::Impossible)
		report.verdict = libv4l2 || copies ? DoctorVerdict::Copy
				 : converted	   ? DoctorVerdict::Conversion
						   : DoctorVerdict::ZeroCopy;
	return report;
}

namespace {

void gatherCameraFacts(const LibcameraConfig &config, DoctorFacts::Source &facts)
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
 * (TRY_FMT: nothing changes). Not when the config sets controls: those are
 * applied at start and may change it (vivid's "Y'CbCr Encoding").
 */
std::optional<YuvEncoding> deviceEncoding(const CaptureConfig &capture, const VideoDevice &device)
{
	if (!capture.format || !capture.format->yuv || !capture.controls.empty() ||
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

void gatherV4l2Facts(const CaptureConfig &capture, DoctorFacts::Source &facts)
{
	if (capture.memory == CaptureConfig::Memory::Dmabuf &&
	    capture.pool == CaptureConfig::Pool::Dumb) {
		Result<Card> pool = Card::openByName(capture.poolCard);
		if (pool)
			facts.poolCard = pool->path();
	}

	V4l2Source source(capture);
	Result<void> probed = source.probe();
	if (!probed) {
		facts.error = probed.error().message;
	} else {
		facts.name = source.device()->describe();
		facts.encoding = deviceEncoding(capture, *source.device());
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
	}
}

void gatherSinkFacts(const PipelineConfig &config, DoctorFacts &facts)
{
	for (const SinkConfig &sinkConfig : config.sinks) {
		DoctorFacts::Sink &sink = facts.sinks.emplace_back();
		if (sinkConfig.type == SinkConfig::Type::Null) {
			sink.name = "null";
			sink.takesAnything = true;
			continue;
		}
		if (sinkConfig.type == SinkConfig::Type::GlWindow) {
			sink.gl = true;
			sink.name = "gl-window";
			Result<const GlWindowBackend *> window =
				ModuleRegistry::instance().glWindow();
			if (!window) {
				sink.error = window.error().message;
				continue;
			}
			/* The window system's EGL decides import or upload:
			 * ask it through a hidden window like the sink's. */
			Result<GlProbe> probe = (*window)->probe();
			if (!probe) {
				sink.error = probe.error().message;
				continue;
			}
			sink.name = "gl-window (" + probe->renderer + ")";
			sink.glImport = probe->dmaBufImport;
			sink.glSoftware = probe->softwareRenderer;
			sink.glCard = probe->card;
			continue;
		}
		if (sinkConfig.type == SinkConfig::Type::GlHeadless ||
		    sinkConfig.type == SinkConfig::Type::GlKms) {
			const GlSinkConfig &gl = sinkConfig.gl;
			const std::string type = sinkConfig.type == SinkConfig::Type::GlKms
							 ? "gl-kms"
							 : "gl-headless";
			sink.gl = true;
			sink.name = type + " " +
				    (gl.platform == GlSinkConfig::Platform::Gbm ? "gbm " + gl.card
										: "surfaceless");
			Result<const GlBackend *> backend = ModuleRegistry::instance().gl();
			if (!backend) {
				sink.error = backend.error().message;
				continue;
			}
			Result<GlProbe> probe = (*backend)->probe(gl);
			if (!probe) {
				sink.error = probe.error().message;
				continue;
			}
			sink.name = type + " " + probe->display + " (" + probe->renderer + ")";
			sink.glImport = probe->dmaBufImport;
			sink.glSoftware = probe->softwareRenderer;
			sink.glCard = probe->card;
			continue;
		}
		const KmsSinkConfig &kms = sinkConfig.kms;
		sink.name = "kms " + kms.card;
		/* For buffers only: asking does not take the display. */
		Result<Card> card = Card::openByName(kms.card);
		if (!card) {
			sink.error = card.error().message;
			continue;
		}
		Result<void> caps = card->enableAtomic(false);
		Result<KmsResources> resources =
			caps ? KmsResources::query(*card) : Result<KmsResources>(caps.error());
		if (!resources) {
			sink.error = resources.error().message;
			continue;
		}
		/* The union over the planes this sink may use: the kind asked
		 * for, or the one plane named. */
		bool any = false;
		for (const KmsPlane &plane : resources->planes()) {
			bool wanted = kms.plane == KmsSinkConfig::Plane::Id
					      ? plane.id == kms.planeId
				      : kms.plane == KmsSinkConfig::Plane::Primary
					      ? plane.type == KmsPlane::Type::Primary
					      : plane.type == KmsPlane::Type::Overlay;
			if (!wanted)
				continue;
			any = true;
			for (uint32_t f : plane.formats)
				if (std::find(sink.drmFormats.begin(), sink.drmFormats.end(), f) ==
				    sink.drmFormats.end())
					sink.drmFormats.push_back(f);
		}
		sink.name = "kms " + card->describe() + " " +
			    (kms.plane == KmsSinkConfig::Plane::Id
				     ? "plane " + std::to_string(kms.planeId)
			     : kms.plane == KmsSinkConfig::Plane::Primary ? "primary plane"
									  : "overlay planes");
		if (!any)
			sink.error = "no such plane on " + card->describe();
	}
}

} /* namespace */

DoctorFacts gatherDoctorFacts(const PipelineConfig &config)
{
	DoctorFacts facts;

	if (config.source.type() == SourceConfig::Type::Libcamera)
		gatherCameraFacts(config.source.libcamera(), facts.source);
	else
		gatherV4l2Facts(config.source.v4l2(), facts.source);
	gatherSinkFacts(config, facts);
	return facts;
}

int doctorCommand(const std::string &configPath)
{
	Result<PipelineConfig> config = loadConfigFile(configPath);
	if (!config) {
		fprintf(stderr, "primecam: %s\n", config.error().message.c_str());
		return 1;
	}
	DoctorReport report = diagnose(*config, gatherDoctorFacts(*config));
	printf("%s: %s", configPath.c_str(), report.text().c_str());
	fflush(stdout);
	return report.verdict == DoctorVerdict::Impossible ? 1 : 0;
}

} /* namespace primecam */
