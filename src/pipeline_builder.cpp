/* SPDX-License-Identifier: MIT */
#include "src/pipeline_builder.h"

#include <cerrno>

#include "drm/card.h"
#include "drm/dumb_allocator.h"
#include "drm/kms_sink.h"
#ifdef PRIMECAM_HAVE_EGL
#include "egl/gl_headless_sink.h"
#include "egl/gl_kms_sink.h"
#endif
#ifdef PRIMECAM_HAVE_GLFW
#include "egl/gl_window_sink.h"
#endif
#include "pipeline/null_sink.h"
#include "pipeline/stages/convert_stage.h"
#include "pipeline/stages/grayscale_stage.h"
#include "pipeline/stages/invert_stage.h"
#include "pipeline/stages/luma_stage.h"
#include "pipeline/stages/overlay_stage.h"
#include "src/build_config.h"
#include "src/dma_heap_allocator.h"
#include "src/udmabuf_allocator.h"
#include "v4l2/capture_source.h"
#if PRIMECAM_HAVE_LIBV4L2
#include "v4l2/libv4l2_source.h"
#endif
#if PRIMECAM_HAVE_LIBCAMERA
#include "camera/libcamera_source.h"
#endif

namespace primecam {

#if !PRIMECAM_HAVE_LIBCAMERA
bool libcameraAvailable()
{
	return false;
}
#endif

namespace {

/* The driver behind a kms sink's `card` (a driver name or a path). */
std::string driverOf(const std::string &card)
{
	if (!card.starts_with("/"))
		return card;
	Result<Card> opened = Card::open(card);
	return opened ? opened->driver() : std::string();
}

/* Refuses a pool kind that a kms sink's card is known not to scan out. */
Result<void> sinksAccept(const PipelineConfig &config, PoolKind kind, const std::string &path)
{
	for (const SinkConfig &sink : config.sinks) {
		if (sink.type != SinkConfig::Type::Kms)
			continue;
		std::string driver = driverOf(sink.kms.card);
		if (auto why = poolRefusal(kind, PoolConsumer::KmsScanout, driver))
			return Error{ENOTSUP, config.file + ": " + path + ".pool: " + *why};
	}
	return {};
}

/* The pool of a converting stage, chosen for the sinks when the config
 * does not say. */
Result<BufferAllocator> stagePool(const PipelineConfig &config, const StageConfig &stage,
				  const std::string &path, std::vector<std::string> &notes)
{
	const SinkConfig *kms = nullptr;
	for (const SinkConfig &sink : config.sinks)
		if (sink.type == SinkConfig::Type::Kms && !kms)
			kms = &sink;

	PoolKind kind;
	std::string card = stage.poolCard;
	if (stage.pool) {
		kind = *stage.pool;
	} else {
		/* A card's own dumb buffers are what it is sure to scan out;
		 * without a display, the dma-heap serves any importer. */
		kind = kms ? PoolKind::Dumb : PoolKind::DmaHeap;
		notes.push_back(
			path + ": pool \"" + poolKindName(kind) + "\" chosen " +
			(kms ? "(dumb buffers on the kms sink's card " + kms->kms.card +
					 ", which it scans out)"
			     : std::string("(no kms sink; the dma-heap serves any importer)")));
	}
	if (kind == PoolKind::Dumb && card.empty()) {
		if (!kms)
			return Error{EINVAL, config.file + ": " + path +
						     ".pool_card: required with pool = \"dumb\" "
						     "when no kms sink names a card"};
		card = kms->kms.card;
	}

	Result<void> accepted = sinksAccept(config, kind, path);
	if (!accepted)
		return std::move(accepted).error();

	Result<BufferAllocator> allocator = kind == PoolKind::Dumb ? makeDumbAllocator(card)
					    : kind == PoolKind::DmaHeap
						    ? makeDmaHeapAllocator("system")
						    : makeUdmabufAllocator();
	if (!allocator)
		return Error{allocator.error().code,
			     config.file + ": " + path + ".pool: " + allocator.error().message};
	return allocator;
}

Result<std::unique_ptr<Stage>> buildStage(const PipelineConfig &config, size_t index,
					  std::vector<std::string> &notes)
{
	const StageConfig &stage = config.stages[index];
	std::string path = "stage[" + std::to_string(index) + "]";
	switch (stage.type) {
	case StageConfig::Type::Invert:
		return std::unique_ptr<Stage>(std::make_unique<InvertStage>());
	case StageConfig::Type::Grayscale:
		return std::unique_ptr<Stage>(std::make_unique<GrayscaleStage>());
	case StageConfig::Type::Overlay:
		return std::unique_ptr<Stage>(std::make_unique<OverlayStage>(stage.scale));
	case StageConfig::Type::Luma:
		return std::unique_ptr<Stage>(std::make_unique<LumaStage>());
	case StageConfig::Type::Convert:
		break;
	}
	Result<BufferAllocator> allocator = stagePool(config, stage, path, notes);
	if (!allocator)
		return std::move(allocator).error();
	return std::unique_ptr<Stage>(std::make_unique<ConvertStage>(
		*stage.format, stage.encoding, std::move(*allocator), stage.buffers));
}

Result<std::unique_ptr<Source>> buildSource(const PipelineConfig &config)
{
	if (config.source.type == SourceConfig::Type::Libcamera) {
#if PRIMECAM_HAVE_LIBCAMERA
		return std::unique_ptr<Source>(
			std::make_unique<LibcameraSource>(config.source.libcamera));
#else
		return Error{ENOTSUP, config.file +
					      ": source.type: the libcamera source is unavailable: "
					      "this primecam was built without libcamera (Meson "
					      "feature libcamera; Debian package libcamera-dev)"};
#endif
	}

	const CaptureConfig &capture = config.source.v4l2;
	const bool libv4l2 = capture.memory == CaptureConfig::Memory::Libv4l2;
#if !PRIMECAM_HAVE_LIBV4L2
	/* The config is valid whatever the build; this binary cannot run it. */
	if (libv4l2)
		return Error{ENOTSUP, config.file + ": source.memory = \"libv4l2\": this primecam "
						    "was built without libv4l2 (meson "
						    "-Dlibv4l2=enabled)"};
#endif
	/* DMABUF capture imports the pool's buffers; libv4l2 copies into them. */
	std::optional<BufferAllocator> allocator;
	if (capture.memory == CaptureConfig::Memory::Dmabuf || libv4l2) {
		/* The source's frames go to the sinks as they are, unless a
		 * converting stage comes first. */
		bool direct = true;
		for (const StageConfig &stage : config.stages)
			direct = direct && stage.type != StageConfig::Type::Convert;
		if (capture.pool == CaptureConfig::Pool::Udmabuf && direct) {
			Result<void> accepted = sinksAccept(config, PoolKind::Udmabuf, "source");
			if (!accepted)
				return std::move(accepted).error();
		}
		Result<BufferAllocator> pool = capture.pool == CaptureConfig::Pool::Dumb
						       ? makeDumbAllocator(capture.poolCard)
					       : capture.pool == CaptureConfig::Pool::DmaHeap
						       ? makeDmaHeapAllocator("system")
						       : makeUdmabufAllocator();
		if (!pool)
			return Error{pool.error().code,
				     config.file + ": source.pool: " + pool.error().message};
		allocator = std::move(*pool);
	}
#if PRIMECAM_HAVE_LIBV4L2
	if (libv4l2)
		return std::unique_ptr<Source>(
			std::make_unique<Libv4l2Source>(capture, std::move(allocator)));
#endif
	auto source = std::make_unique<V4l2Source>(capture, std::move(allocator));
	source->setNonContiguous(config.source.nonContiguous);
	return std::unique_ptr<Source>(std::move(source));
}

} /* namespace */

Result<PipelineParts> buildPipeline(const PipelineConfig &config)
{
	PipelineParts parts;

	Result<std::unique_ptr<Source>> source = buildSource(config);
	if (!source)
		return std::move(source).error();
	parts.source = std::move(*source);

	for (size_t i = 0; i < config.stages.size(); ++i) {
		Result<std::unique_ptr<Stage>> stage = buildStage(config, i, parts.notes);
		if (!stage)
			return std::move(stage).error();
		parts.stages.push_back(std::move(*stage));
	}

	for (const SinkConfig &sinkConfig : config.sinks) {
		switch (sinkConfig.type) {
		case SinkConfig::Type::Kms: {
			auto kms = std::make_unique<KmsSink>(sinkConfig.kms);
			if (!parts.firstKms)
				parts.firstKms = kms.get();
			parts.sinks.push_back(std::move(kms));
			break;
		}
		case SinkConfig::Type::Null:
			parts.sinks.push_back(std::make_unique<NullSink>());
			break;
		case SinkConfig::Type::GlKms: {
#ifdef PRIMECAM_HAVE_EGL
			auto gl = std::make_unique<GlKmsSink>(sinkConfig.kms, sinkConfig.gl);
			/* --snapshot: the writeback of what its display shows. */
			if (!parts.firstKms)
				parts.firstKms = &gl->kms();
			parts.sinks.push_back(std::move(gl));
			break;
#else
			return Error{ENOTSUP, config.file +
						      ": gl-kms: this primecam was built "
						      "without EGL/GLES/GBM (meson -Degl=enabled "
						      "with libegl-dev, libgles-dev, libgbm-dev)"};
#endif
		}
		case SinkConfig::Type::GlHeadless: {
#ifdef PRIMECAM_HAVE_EGL
			auto gl = std::make_unique<GlHeadlessSink>(sinkConfig.gl);
			if (!parts.firstGl)
				parts.firstGl = gl.get();
			parts.sinks.push_back(std::move(gl));
			break;
#else
			return Error{ENOTSUP, config.file +
						      ": gl-headless: this primecam was built "
						      "without EGL/GLES/GBM (meson -Degl=enabled "
						      "with libegl-dev, libgles-dev, libgbm-dev)"};
#endif
		}
		case SinkConfig::Type::GlWindow: {
#ifdef PRIMECAM_HAVE_GLFW
			parts.sinks.push_back(std::make_unique<GlWindowSink>(sinkConfig.gl));
			break;
#else
			return Error{ENOTSUP, config.file +
						      ": gl-window: this primecam was built "
						      "without GLFW or without EGL/GLES (meson "
						      "-Dglfw=enabled -Degl=enabled with "
						      "libglfw3-dev, libegl-dev, libgles-dev, "
						      "libgbm-dev)"};
#endif
		}
		}
	}
	return parts;
}

} /* namespace primecam */
