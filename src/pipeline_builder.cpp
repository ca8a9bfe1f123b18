/* SPDX-License-Identifier: MIT */
#include "src/pipeline_builder.h"

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>

#include "alloc/pool_allocator.h"
#include "drm/card.h"
#include "drm/kms_sink.h"
#include "modules/module_registry.h"
#include "pipeline/null_sink.h"
#include "pipeline/stages/convert_stage.h"
#include "pipeline/stages/grayscale_stage.h"
#include "pipeline/stages/invert_stage.h"
#include "pipeline/stages/luma_stage.h"
#include "pipeline/stages/overlay_stage.h"
#include "pipeline/stages/scale_stage.h"
#include "src/scaling_advice.h"
#include "v4l2/m2m_node.h"
#include "v4l2/m2m_stage.h"
#include "v4l2/v4l2_source.h"

namespace primecam {

namespace {

/* A module's error, for the config that needed it. */
Error moduleError(const PipelineConfig &config, const std::string &path, const Error &error)
{
	return Error{error.code, config.file + ": " + path + ": " + error.message};
}

/*
 * Loads every module config needs, before any device or pool is opened: a
 * module that is missing is the first thing the user hears about, and the
 * builder below finds each one loaded.
 */
Result<void> loadModules(const PipelineConfig &config)
{
	ModuleRegistry &modules = ModuleRegistry::instance();
	for (size_t i = 0; i < config.sources.size(); ++i) {
		const SourceConfig &source = config.sources[i];
		std::string path = config.sourcePath(i);
		if (source.type() == SourceConfig::Type::Libcamera) {
			if (auto libcamera = modules.libcamera(); !libcamera)
				return moduleError(config, path + ".type", libcamera.error());
		} else if (source.v4l2().memory == CaptureConfig::Memory::Libv4l2) {
			if (auto libv4l2 = modules.libv4l2(); !libv4l2)
				return moduleError(config, path + ".memory = \"libv4l2\"",
						   libv4l2.error());
		}
	}
	for (const SinkConfig &sink : config.sinks) {
		if (sink.type == SinkConfig::Type::GlKms ||
		    sink.type == SinkConfig::Type::GlHeadless) {
			if (auto gl = modules.gl(); !gl)
				return moduleError(config,
						   sink.type == SinkConfig::Type::GlKms
							   ? "gl-kms"
							   : "gl-headless",
						   gl.error());
		} else if (sink.type == SinkConfig::Type::GlWindow) {
			if (auto window = modules.glWindow(); !window)
				return moduleError(config, "gl-window", window.error());
		}
	}
	return {};
}

/* The driver behind a kms sink's `card` (a driver name or a path). */
std::string driverOf(const std::string &card)
{
	if (!card.starts_with("/"))
		return card;
	Result<Card> opened = Card::open(card);
	return opened ? opened->driver() : std::string();
}

/* Refuses a pool kind that a kms sink of source (an index) has a card known
 * not to scan out. */
Result<void> sinksAccept(const PipelineConfig &config, size_t source, PoolKind kind,
			 const std::string &path)
{
	for (const SinkConfig &sink : config.sinks) {
		if (sink.type != SinkConfig::Type::Kms || sink.source != source)
			continue;
		std::string driver = driverOf(sink.kms.card);
		if (auto why = poolRefusal(kind, PoolConsumer::KmsScanout, driver))
			return Error{ENOTSUP, config.file + ": " + path + ".pool: " + *why};
	}
	return {};
}

/* The pool of a converting stage, chosen for its source's sinks when the
 * config does not say. */
Result<BufferAllocator> stagePool(const PipelineConfig &config, const StageConfig &stage,
				  const std::string &path, std::vector<std::string> &notes)
{
	const SinkConfig *kms = nullptr;
	for (const SinkConfig &sink : config.sinks)
		if (sink.type == SinkConfig::Type::Kms && sink.source == stage.source && !kms)
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

	Result<void> accepted = sinksAccept(config, stage.source, kind, path);
	if (!accepted)
		return std::move(accepted).error();

	Result<BufferAllocator> allocator = makePoolAllocator(kind, card);
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
	case StageConfig::Type::M2m:
		return std::unique_ptr<Stage>(std::make_unique<M2mStage>(stage.m2m));
	case StageConfig::Type::Convert:
	case StageConfig::Type::Scale:
		break;
	}
	Result<BufferAllocator> allocator = stagePool(config, stage, path, notes);
	if (!allocator)
		return std::move(allocator).error();
	/* Feeding a mem2mem device: its OUTPUT queue reads the lines its
	 * driver chose (vim2m: unpadded), so the pool writes those. */
	for (size_t next = index + 1; next < config.stages.size(); ++next) {
		const StageConfig &consumer = config.stages[next];
		if (consumer.source != stage.source)
			continue;
		if (consumer.type == StageConfig::Type::M2m)
			allocator->lineBytes =
				[device = consumer.m2m.device](const PixelFormatInfo &format,
							       uint32_t width,
							       uint32_t height) -> uint32_t {
				Result<M2mNode> node = openM2mNode(device);
				return node ? node->outputLineBytes(format, width, height) : 0;
			};
		break;
	}
	if (stage.type == StageConfig::Type::Scale)
		return std::unique_ptr<Stage>(std::make_unique<ScaleStage>(
			stage.width, stage.height, stage.format, stage.encoding,
			std::move(*allocator), stage.buffers));
	return std::unique_ptr<Stage>(std::make_unique<ConvertStage>(
		*stage.format, stage.encoding, std::move(*allocator), stage.buffers));
}

Result<std::unique_ptr<Source>> buildSource(const PipelineConfig &config, size_t index)
{
	const SourceConfig &sourceConfig = config.sources[index];
	const std::string path = config.sourcePath(index);
	if (sourceConfig.type() == SourceConfig::Type::Libcamera) {
		Result<const LibcameraBackend *> libcamera = ModuleRegistry::instance().libcamera();
		if (!libcamera)
			return moduleError(config, path + ".type", libcamera.error());
		return (*libcamera)->makeSource(sourceConfig.libcamera());
	}

	const V4l2SourceConfig &capture = sourceConfig.v4l2();
	const bool libv4l2 = capture.memory == CaptureConfig::Memory::Libv4l2;
	/* The config is valid whatever the build; the module runs it. */
	const Libv4l2Backend *libv4l2Backend = nullptr;
	if (libv4l2) {
		Result<const Libv4l2Backend *> backend = ModuleRegistry::instance().libv4l2();
		if (!backend)
			return moduleError(config, path + ".memory = \"libv4l2\"", backend.error());
		libv4l2Backend = *backend;
	}
	/* DMABUF capture imports the pool's buffers; libv4l2 copies into them. */
	std::optional<BufferAllocator> allocator;
	if (capture.memory == CaptureConfig::Memory::Dmabuf || libv4l2) {
		/* The source's frames go to the sinks as they are, unless a
		 * converting stage comes first. */
		bool direct = true;
		for (const StageConfig &stage : config.stages)
			direct = direct && (stage.source != index ||
					    (stage.type != StageConfig::Type::Convert &&
					     stage.type != StageConfig::Type::Scale));
		if (capture.pool == PoolKind::Udmabuf && direct) {
			Result<void> accepted = sinksAccept(config, index, PoolKind::Udmabuf, path);
			if (!accepted)
				return std::move(accepted).error();
		}
		Result<BufferAllocator> pool = makePoolAllocator(capture.pool, capture.poolCard);
		if (!pool)
			return Error{pool.error().code,
				     config.file + ": " + path + ".pool: " + pool.error().message};
		allocator = std::move(*pool);
	}
	if (libv4l2Backend)
		return libv4l2Backend->makeSource(capture, std::move(allocator));
	auto source = std::make_unique<V4l2Source>(capture, std::move(allocator));
	source->setNonContiguous(capture.nonContiguous);
	return std::unique_ptr<Source>(std::move(source));
}

/*
 * Every sink, in one pass over the config's sinks in config order whatever
 * their source, each handed to its source's parts: the one place a sink is
 * made, where sinks that share a device (kms sinks on one card) can be
 * given what they share.
 */
Result<void> buildSinks(const PipelineConfig &config, PipelineParts &parts)
{
	/* The kms sinks on one card share its display: one DRM master, one
	 * CRTC, one commit per vblank for all their planes. */
	std::map<std::string, std::shared_ptr<KmsDisplay>> displays;
	/* The gl-kms sinks with a layout on one card draw into one buffer
	 * (the config rules allow one such group per card, and no kms sink
	 * beside it). */
	std::map<std::string, std::shared_ptr<GlComposition>> compositions;
	for (const SinkConfig &sinkConfig : config.sinks) {
		std::vector<std::unique_ptr<Sink>> &sinks = parts.sources[sinkConfig.source].sinks;
		switch (sinkConfig.type) {
		case SinkConfig::Type::Kms: {
			std::shared_ptr<KmsDisplay> &display = displays[sinkConfig.kms.card];
			if (!display) {
				display = std::make_shared<KmsDisplay>(sinkConfig.kms.card);
				parts.displays.push_back(display);
			}
			display->attach();
			auto kms = std::make_unique<KmsSink>(sinkConfig.kms, display);
			kms->setScalingAdvisor(scalingAdvice);
			if (!parts.firstKms)
				parts.firstKms = kms.get();
			sinks.push_back(std::move(kms));
			break;
		}
		case SinkConfig::Type::Null:
			sinks.push_back(std::make_unique<NullSink>());
			break;
		case SinkConfig::Type::GlKms:
		case SinkConfig::Type::GlHeadless: {
			const bool kms = sinkConfig.type == SinkConfig::Type::GlKms;
			Result<const GlBackend *> gl = ModuleRegistry::instance().gl();
			if (!gl)
				return moduleError(config, kms ? "gl-kms" : "gl-headless",
						   gl.error());
			const KmsSinkConfig::Placement placement = sinkConfig.kms.placement;
			const bool composed =
				kms && (placement == KmsSinkConfig::Placement::Mosaic ||
					placement == KmsSinkConfig::Placement::Pip);
			GlSinkParts made;
			if (composed) {
				std::shared_ptr<GlComposition> &composition =
					compositions[sinkConfig.kms.card];
				if (!composition)
					composition = (*gl)->makeComposition(sinkConfig.kms);
				made = (*gl)->makeComposed(sinkConfig.kms, sinkConfig.gl,
							   composition);
			} else {
				made = kms ? (*gl)->makeKms(sinkConfig.kms, sinkConfig.gl)
					   : (*gl)->makeHeadless(sinkConfig.gl);
			}
			/* A gl-kms display (one per composition) in the
			 * stats' "displays", as the kms sinks' are. */
			if (made.kms) {
				std::shared_ptr<KmsDisplay> shown = made.kms->sharedDisplay();
				if (std::find(parts.displays.begin(), parts.displays.end(),
					      shown) == parts.displays.end())
					parts.displays.push_back(std::move(shown));
			}
			/* --snapshot: the writeback of what a gl-kms display
			 * shows, else what gl-headless rendered. */
			if (!parts.firstKms)
				parts.firstKms = made.kms;
			if (!parts.glReadPixels)
				parts.glReadPixels = std::move(made.readPixels);
			sinks.push_back(std::move(made.sink));
			break;
		}
		case SinkConfig::Type::GlWindow: {
			Result<const GlWindowBackend *> window =
				ModuleRegistry::instance().glWindow();
			if (!window)
				return moduleError(config, "gl-window", window.error());
			sinks.push_back((*window)->makeWindow(sinkConfig.gl));
			break;
		}
		}
	}
	return {};
}

} /* namespace */

Result<PipelineParts> buildPipeline(const PipelineConfig &config)
{
	PipelineParts parts;

	Result<void> loaded = loadModules(config);
	if (!loaded)
		return std::move(loaded).error();

	for (size_t i = 0; i < config.sources.size(); ++i) {
		Result<std::unique_ptr<Source>> source = buildSource(config, i);
		if (!source)
			return std::move(source).error();
		SourceParts &made = parts.sources.emplace_back();
		made.name = config.sources[i].name;
		made.source = std::move(*source);
	}

	for (size_t i = 0; i < config.stages.size(); ++i) {
		Result<std::unique_ptr<Stage>> stage = buildStage(config, i, parts.notes);
		if (!stage)
			return std::move(stage).error();
		parts.sources[config.stages[i].source].stages.push_back(std::move(*stage));
	}

	Result<void> sinks = buildSinks(config, parts);
	if (!sinks)
		return std::move(sinks).error();
	return parts;
}

} /* namespace primecam */
