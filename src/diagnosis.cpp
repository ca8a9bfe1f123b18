/* SPDX-License-Identifier: MIT */
#include <algorithm>
#include <cerrno>

#include "drm/kms_output.h"
#include "pipeline/import_quirks.h"
#include "pipeline/stages/grayscale_stage.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/image_scale.h"
#include "pipeline/stages/luma_stage.h"
#include "pipeline/stages/overlay_stage.h"
#include "src/doctor.h"
#include "src/doctor_m2m.h"

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
	case StageConfig::Type::Scale:
		return "scale";
	case StageConfig::Type::M2m:
		return "m2m";
	}
	return "?";
}

/* Whether a stage takes frames of format (what its configure() checks). */
bool stageTakes(const StageConfig &stage, const PixelFormatInfo &format, YuvEncoding encoding,
		uint32_t width, uint32_t height)
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
	case StageConfig::Type::Scale:
		/* No format in the config: the input's. */
		return canScale(format, stage.format ? *stage.format : format,
				stage.encoding.applyTo(encoding));
	case StageConfig::Type::M2m:
		return diagnoseM2m(stage, format, width, height).takes;
	}
	return false;
}

/* What convert and scale stages write, for messages. */
std::string conversionTargetList()
{
	std::vector<const PixelFormatInfo *> targets;
	for (const PixelFormatInfo *t : conversionTargets())
		targets.push_back(t);
	return formatList(targets);
}

/* A pool's buffers, for messages. */
std::string poolName(PoolKind pool, const std::string &card)
{
	switch (pool) {
	case PoolKind::Dumb:
		return "dumb buffers of " + card;
	case PoolKind::DmaHeap:
		return "dma-heap";
	case PoolKind::Udmabuf:
		return "udmabuf pool";
	}
	return "?";
}

/*
 * diagnose(), one step a function: the source, each stage and each sink by
 * its kind, in data-path order. Each step adds its lines to the report and
 * carries what the next one needs (the format and size the frames are in,
 * the encoding converters read YUV with, whether a CPU pass happened).
 */
class Diagnosis
{
public:
	Diagnosis(const PipelineConfig &config, const DoctorFacts &facts)
		: config_(config), facts_(facts), format_(sourceFormat(config.source())),
		  width_(sourceWidth(config.source())), height_(sourceHeight(config.source()))
	{}

	DoctorReport run();

private:
	void impossible(std::string line)
	{
		report_.lines.push_back(std::move(line));
		report_.verdict = DoctorVerdict::Impossible;
	}
	void note(std::string line) { report_.lines.push_back(std::move(line)); }

	bool source();
	std::string v4l2Memory(const CaptureConfig &c) const;
	bool libv4l2Source(bool offered, const std::string &captures);
	bool stage(size_t index);
	void nullSink(const std::string &name);
	void glSink(size_t index, const std::string &name);
	void kmsSink(size_t index, const std::string &name);
	void planeColor(size_t index, const std::string &name);
	/* Refuses buffers of pool that the sink's driver is known not to
	 * scan out (pipeline/import_quirks), naming where they come from. */
	bool poolScansOut(PoolKind pool, const SinkFacts &sink, const std::string &name,
			  const std::string &from);

	const PipelineConfig &config_;
	const DoctorFacts &facts_;
	DoctorReport report_;
	const PixelFormatInfo *format_;
	/* The frames' size, as the last stage that changes it leaves them. */
	uint32_t width_;
	uint32_t height_;
	YuvEncoding encoding_;
	bool libv4l2_ = false;
	/* The pool of the last converting stage, when there is one, and its type. */
	std::optional<PoolKind> stagePool_;
	StageConfig::Type poolStage_ = StageConfig::Type::Convert;
	bool converted_ = false;
	bool copies_ = false;
};

DoctorReport Diagnosis::run()
{
	if (!source())
		return std::move(report_);
	for (size_t i = 0; i < config_.stages.size(); ++i)
		if (!stage(i))
			return std::move(report_);

	/* The sinks: each must take the format the chain ends with. */
	for (size_t i = 0; i < facts_.sinks.size() && i < config_.sinks.size(); ++i) {
		const SinkFacts &sink = facts_.sinks[i];
		std::string name = "sink[" + std::to_string(i) + "] " + sink.name;
		if (sink.error)
			impossible(name + ": " + *sink.error);
		else if (sink.takesAnything)
			nullSink(name);
		else if (sink.gl)
			glSink(i, name);
		else
			kmsSink(i, name);
	}

	if (report_.verdict != DoctorVerdict::Impossible)
		report_.verdict = libv4l2_ || copies_ ? DoctorVerdict::Copy
				  : converted_	      ? DoctorVerdict::Conversion
						      : DoctorVerdict::ZeroCopy;
	return std::move(report_);
}

/* The memory a V4L2 source's frames are in, as it delivers them. */
std::string Diagnosis::v4l2Memory(const CaptureConfig &c) const
{
	switch (c.memory) {
	case CaptureConfig::Memory::Mmap:
		return "driver buffers exported as dma-bufs (VIDIOC_EXPBUF)";
	case CaptureConfig::Memory::Dmabuf:
		return "dma-bufs from the " + poolName(c.pool, c.poolCard) +
		       ", imported by the device (V4L2_MEMORY_DMABUF)";
	case CaptureConfig::Memory::Libv4l2:
		return "libv4l2's own buffers, then copied by the CPU into dma-bufs from the " +
		       poolName(c.pool, c.poolCard);
	}
	return "?";
}

bool Diagnosis::source()
{
	const SourceFacts &source = facts_.source;
	if (source.error) {
		impossible("source: " + *source.error);
		return false;
	}
	note("source: " + source.name + " offers " + formatList(source.formats));
	bool offered = std::find(source.formats.begin(), source.formats.end(), format_) !=
		       source.formats.end();
	const bool v4l2 = config_.source().type() == SourceConfig::Type::V4l2;
	libv4l2_ = v4l2 && config_.source().v4l2().memory == CaptureConfig::Memory::Libv4l2;
	/* What libv4lconvert can make from Bayer, MJPEG and YUV a device gives:
	 * its destination formats. */
	bool emulated = false;
	for (const char *name : {"BGR888", "RGB888", "YUV420", "YVU420"})
		emulated = emulated || format_ == formatByName(name);
	if (!offered && !(libv4l2_ && emulated)) {
		std::string line = "source: " + source.name + " does not capture " +
				   std::string(format_->name);
		if (!libv4l2_ && emulated)
			line += "; libv4l2 (memory = \"libv4l2\") could emulate it, with a CPU "
				"copy of every frame";
		impossible(line + "; set format to one it offers");
		return false;
	}
	if (v4l2 && config_.source().v4l2().memory == CaptureConfig::Memory::Dmabuf) {
		if (auto why = poolRefusal(config_.source().v4l2().pool, PoolConsumer::V4l2Capture,
					   source.driver)) {
			impossible("source: " + *why);
			return false;
		}
	}
	std::string captures = "source: captures " + std::string(format_->name) + " " +
			       std::to_string(sourceWidth(config_.source())) + "x" +
			       std::to_string(sourceHeight(config_.source())) + " into " +
			       (v4l2 ? v4l2Memory(config_.source().v4l2())
				     : "libcamera's FrameBuffers (dma-bufs from its "
				       "FrameBufferAllocator, imported as they are)");
	if (!libv4l2Source(offered, captures))
		note(captures + ": no copy");
	for (const std::string &line : source.notes)
		note("source: " + line);
	/* What converters read YUV with, unless a stage or sink overrides it. */
	encoding_ = source.encoding.value_or(YuvEncoding{});
	if (format_->yuv)
		note("source: " + std::string(format_->name) + " colour: " + describe(encoding_) +
		     (source.encoding ? " (the device's colorimetry)"
				      : " (assumed: the device was not asked)"));
	return true;
}

/* libv4l2 emulation: a CPU copy of every frame, said as such. */
bool Diagnosis::libv4l2Source(bool offered, const std::string &captures)
{
	if (!libv4l2_)
		return false;
	note(captures + ": NOT zero-copy: " +
	     (offered ? "libv4l2 passes the device's native " + std::string(format_->name) +
				" through, "
		      : "libv4l2 converts the device's native format to " +
				std::string(format_->name) + " in user space, ") +
	     "and every frame is copied by the CPU into a dma-buf the sinks can "
	     "import (counted as source_copies). Use memory = \"mmap\" or \"dmabuf\" "
	     "with a format the device offers to avoid it");
	return true;
}

/* Each stage sees the format the one before left. */
bool Diagnosis::stage(size_t index)
{
	const StageConfig &stage = config_.stages[index];
	std::string name = "stage[" + std::to_string(index) + "] " + stageTypeName(stage.type);
	if (stage.type == StageConfig::Type::M2m) {
		M2mDiagnosis m2m = diagnoseM2m(stage, *format_, width_, height_);
		if (!m2m.takes) {
			impossible(name + ": " + m2m.line);
			return false;
		}
		note(name + ": " + m2m.line);
		format_ = stage.m2m.format;
		if (stage.m2m.width && stage.m2m.height) {
			width_ = stage.m2m.width;
			height_ = stage.m2m.height;
		}
		return true;
	}
	if (!stageTakes(stage, *format_, encoding_, width_, height_)) {
		impossible(name + ": cannot take " + std::string(format_->name) +
			   (stage.format ? " -> " + std::string(stage.format->name)
			    : stage.type == StageConfig::Type::Scale
				    ? " (with no format, it writes the input's: set format to "
				      "one of " +
					      conversionTargetList() + ")"
				    : std::string()));
		return false;
	}
	switch (stage.type) {
	case StageConfig::Type::Luma:
		note(name + ": reads the frame in place (SYNC READ), no copy");
		break;
	case StageConfig::Type::Convert:
		note(name + ": converts " + std::string(format_->name) + " -> " +
		     std::string(stage.format->name) +
		     (format_->yuv ? " (" + stage.encoding.describeFor(encoding_) + ")"
				   : std::string()) +
		     " with libyuv into its own pool: one CPU pass per "
		     "frame (counted as conversions)");
		format_ = stage.format;
		converted_ = true;
		stagePool_ = stage.pool;
		poolStage_ = stage.type;
		break;
	case StageConfig::Type::Scale: {
		const PixelFormatInfo *to = stage.format ? stage.format : format_;
		note(name + ": scales " + sizeText(width_, height_) + " -> " +
		     sizeText(stage.width, stage.height) + " (" + std::string(format_->name) +
		     " -> " + std::string(to->name) + ", bilinear" +
		     (format_->yuv ? ", " + stage.encoding.describeFor(encoding_) : std::string()) +
		     ") with libyuv into its own pool: one CPU pass per frame (counted as "
		     "conversions)");
		format_ = to;
		width_ = stage.width;
		height_ = stage.height;
		converted_ = true;
		stagePool_ = stage.pool;
		poolStage_ = stage.type;
		break;
	}
	case StageConfig::Type::Invert:
	case StageConfig::Type::Grayscale:
	case StageConfig::Type::Overlay:
		note(name + ": changes the frame in place (SYNC READ_WRITE), no copy");
		break;
	case StageConfig::Type::M2m: /* answered above */
		break;
	}
	return true;
}

void Diagnosis::nullSink(const std::string &name)
{
	note(name + ": takes any format, no copy");
}

void Diagnosis::glSink(size_t index, const std::string &name)
{
	const SinkFacts &sink = facts_.sinks[index];
	const GlSinkConfig &gl = config_.sinks[index].gl;
	const PixelFormatInfo &format = *format_;
	/* gl-kms: what GL draws is the display's own XRGB8888 buffers, which
	 * the plane scans out as they are. */
	const std::string scanout =
		config_.sinks[index].type == SinkConfig::Type::GlKms
			? "; GL draws it (a GPU pass, scaled to the output) into the "
			  "display's own XRGB8888 buffers, which KMS scans out"
			: "";
	if (!glCanDraw(format)) {
		impossible(name + ": GL cannot draw " + std::string(format.name) + "; it takes " +
			   glDrawableFormats());
		return;
	}
	const bool external = gl.texture == GlSinkConfig::Texture::External;
	if (external && format.yuv) {
		if (auto why = externalYuvRefusal(format, gl.encoding.applyTo(encoding_),
						  sink.glSoftware)) {
			impossible(name + ": texture = \"external\": " + *why);
			return;
		}
	}
	/* The card's own dumb buffers, captured into directly. */
	const bool v4l2 = config_.source().type() == SourceConfig::Type::V4l2;
	bool ownBuffers = !converted_ && v4l2 &&
			  config_.source().v4l2().memory == CaptureConfig::Memory::Dmabuf &&
			  config_.source().v4l2().pool == PoolKind::Dumb && !sink.glCard.empty() &&
			  facts_.source.poolCard == sink.glCard;
	std::string upload = ": uploads every frame from a CPU mapping "
			     "(SYNC-bracketed, counted as copies): ";
	if (gl.import == GlSinkConfig::Import::Upload) {
		note(name + upload + "import = \"upload\"" + scanout);
		copies_ = true;
	} else if (!sink.glImport) {
		note(name + upload + "EGL offers no EGL_EXT_image_dma_buf_import" + scanout);
		copies_ = true;
	} else if (sink.glSoftware && !ownBuffers) {
		note(name + upload +
		     "Mesa's software rasterizer (kms_swrast) reads imports "
		     "through dumb-buffer mappings, which the kernel refuses for "
		     "foreign dma-bufs (the first draw would crash); capture into " +
		     (sink.glCard.empty() ? std::string("the GL card") : sink.glCard) +
		     "'s own buffers (memory = \"dmabuf\", pool = \"dumb\") for zero-copy" +
		     scanout);
		copies_ = true;
	} else {
		note(name + ": imports each buffer once as EGLImage" +
		     (format.yuv && format.numPlanes > 1 && !external ? "s (one per plane)" : "") +
		     " and draws " + std::string(format.name) +
		     (!format.yuv ? ""
		      : external  ? " as an external texture, the driver converting it -> RGB (" +
					   gl.encoding.describeFor(encoding_) + ")"
				 : " -> RGB in its shader (" + gl.encoding.describeFor(encoding_) +
					   ")") +
		     scanout + (scanout.empty() ? ": no copy" : ": no CPU copy"));
	}
}

bool Diagnosis::poolScansOut(PoolKind pool, const SinkFacts &sink, const std::string &name,
			     const std::string &from)
{
	std::optional<std::string> why = poolRefusal(pool, PoolConsumer::KmsScanout, sink.driver);
	if (why)
		impossible(name + ": " + from + ": " + *why);
	return !why;
}

/* YUV on a plane: which conversion the plane is told to apply, or why
 * the colours would come out wrong (drm/plane_color.h; run refuses alike). */
void Diagnosis::planeColor(size_t index, const std::string &name)
{
	const SinkFacts &sink = facts_.sinks[index];
	const KmsSinkConfig &kms = config_.sinks[index].kms;
	const PixelFormatInfo &format = *format_;
	auto plane = std::find_if(sink.planes.begin(), sink.planes.end(), [&](const KmsPlane &p) {
		return std::find(p.formats.begin(), p.formats.end(), format.drm) != p.formats.end();
	});
	if (plane == sink.planes.end())
		return;
	const YuvEncoding encoding = kms.encoding.applyTo(encoding_);
	Result<std::optional<PlaneColor>> color =
		planeColorFor(*plane, format, encoding, kms.acceptPlaneEncoding, name);
	if (!color) {
		impossible(color.error().message);
		return;
	}
	if (*color && ((*color)->encodingProperty || (*color)->rangeProperty))
		note(name + ": sets " + plane->describe() +
		     "'s COLOR_ENCODING and COLOR_RANGE to " + describe(encoding) +
		     ", as the frames are encoded");
	else
		note(name + ": " + plane->describe() + " converts " + describe(encoding) +
		     " frames with its own fixed encoding" +
		     (kms.acceptPlaneEncoding ? " (accept_plane_encoding)" : ""));
}

void Diagnosis::kmsSink(size_t index, const std::string &name)
{
	const SinkFacts &sink = facts_.sinks[index];
	const PixelFormatInfo &format = *format_;
	bool takes = format.drm && std::find(sink.drmFormats.begin(), sink.drmFormats.end(),
					     format.drm) != sink.drmFormats.end();
	if (takes) {
		/* The buffers it imports: a converting stage's, else the
		 * source's when they come from a pool. */
		if (stagePool_ && !poolScansOut(*stagePool_, sink, name,
						"the " + std::string(stageTypeName(poolStage_)) +
							" stage's pool"))
			return;
		if (!converted_ && config_.source().type() == SourceConfig::Type::V4l2 &&
		    config_.source().v4l2().memory != CaptureConfig::Memory::Mmap &&
		    !poolScansOut(config_.source().v4l2().pool, sink, name, "the source's pool"))
			return;
		std::string where;
		if (sink.tryPlane) {
			Result<std::string> placed = sink.tryPlane(format, width_, height_);
			const int code = placed ? 0 : placed.error().code;
			/* A compositor holds the display: a fact of the moment,
			 * not of the config; run would meet it too, and says so.
			 * DRM_IOCTL_SET_MASTER gives EBUSY while another file is
			 * master (Linux 6.1) and EACCES to a process that may not
			 * take it; an atomic commit without master gives EACCES. */
			if (code == EBUSY || code == EACCES || code == EPERM) {
				where = "; the plane was not tested (" + placed.error().message +
					"): run makes the same TEST_ONLY commit when it starts";
			} else if (!placed) {
				impossible(name + ": " + placed.error().message);
				return;
			} else {
				where = "; " + sizeText(width_, height_) + " frames on " + *placed +
					" (TEST_ONLY commit passed)";
			}
		}
		note(name + ": scans out " + std::string(format.name) +
		     " directly, importing the buffers (PRIME): no copy" +
		     (where.empty() ? "; the frames are " + sizeText(width_, height_) : where));
		if (format.yuv)
			planeColor(index, name);
		return;
	}
	std::string line = name + ": cannot scan out " + std::string(format.name) + "; it takes " +
			   primecam::formatList(std::span<const uint32_t>(sink.drmFormats));
	/* The fix, when a conversion gets there. */
	const PixelFormatInfo *fix = nullptr;
	for (const PixelFormatInfo *t : conversionTargets()) {
		bool planeTakes = std::find(sink.drmFormats.begin(), sink.drmFormats.end(),
					    t->drm) != sink.drmFormats.end();
		if (planeTakes && canConvert(format, *t)) {
			fix = t;
			break;
		}
	}
	/* The paths that would work, in the order a board prefers them: a
	 * mem2mem device that writes a format the plane takes at the same size
	 * (no CPU pass), GL, the CPU. */
	std::vector<std::string> paths;
	if (facts_.m2mFor)
		for (const M2mScaler &device : facts_.m2mFor(ScalingNeed{
			     &format, width_, height_, width_, height_, sink.drmFormats}))
			paths.push_back("add [[stage]] type = \"m2m\" device = \"" + device.driver +
					"\" format = \"" + std::string(device.writes->name) +
					"\" (" + device.node +
					", a mem2mem device: the hardware converts, no CPU pass)");
	paths.push_back("show it through a gl-kms sink instead (the GPU converts into the "
			"card's own buffers)");
	if (fix)
		paths.push_back("add [[stage]] type = \"convert\" format = \"" +
				std::string(fix->name) +
				"\" before the sinks (a CPU conversion with libyuv)");
	for (size_t i = 0; i < paths.size(); ++i)
		line += (i && i + 1 == paths.size() ? "; or " : "; ") + paths[i];
	impossible(line);
}

} /* namespace */

DoctorReport diagnose(const PipelineConfig &config, const DoctorFacts &facts)
{
	return Diagnosis(config, facts).run();
}

} /* namespace primecam */
