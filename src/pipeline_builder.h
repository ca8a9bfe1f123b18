/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/image.h"
#include "base/result.h"
#include "pipeline/sink.h"
#include "pipeline/source.h"
#include "pipeline/stage.h"
#include "src/pipeline_config.h"

namespace primecam {

class KmsDisplay;
class KmsSink;

/* One source's pipeline: the source, its stages in chain order and its
 * sinks in config order, not configured yet. */
struct SourceParts {
	std::string name; /* the config's name for it */
	std::unique_ptr<Source> source;
	std::vector<std::unique_ptr<Stage>> stages;
	std::vector<std::unique_ptr<Sink>> sinks;
};

/* A config's parts, one SourceParts per source in config order (no device
 * is touched except the card or heap of a dmabuf pool). */
struct PipelineParts {
	std::vector<SourceParts> sources;
	/* The displays, in config order: one per card the kms sinks share,
	 * and each gl-kms sink's or composition's (held by their sinks too):
	 * for the stats' "displays". */
	std::vector<std::shared_ptr<KmsDisplay>> displays;
	/* What the builder chose on the user's behalf (a stage's pool), one
	 * line each, for the run to print. */
	std::vector<std::string> notes;
	/* The first kms sink in config order (owned by its source's sinks),
	 * or the display of the first gl-kms sink (owned by it): where
	 * --snapshot comes from. */
	KmsSink *firstKms = nullptr;
	/* What the first gl-headless sink rendered last: --snapshot's source
	 * without a kms sink (calls into the sink, owned by its sinks). */
	std::function<Result<Image>()> glReadPixels;
};

/*
 * Makes the sources, stages and sinks of config; the libcamera source, the GL sinks
 * and the libv4l2 source come from their modules (ModuleRegistry), loaded
 * here when the config has them. For memory = "dmabuf" it opens the
 * pool first: dumb buffers on pool_card (opened for buffers only, so that
 * the kms sink can still become DRM master of the same card) or the
 * "system" dma-heap; errors name the card or heap and the errno. A
 * converting stage's pool is opened the same way; one its consumers cannot
 * import (poolRefusal) is refused here, naming the stage and the reason.
 * Every sink is made in one pass over the config's sinks, in config order
 * whatever their source (buildSinks in pipeline_builder.cpp).
 */
Result<PipelineParts> buildPipeline(const PipelineConfig &config);

} /* namespace primecam */
