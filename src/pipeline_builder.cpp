/* SPDX-License-Identifier: MIT */
#include "src/pipeline_builder.h"

#include "drm/dumb_allocator.h"
#include "drm/kms_sink.h"
#include "pipeline/null_sink.h"
#include "src/dma_heap_allocator.h"
#include "v4l2/capture_source.h"

namespace primecam {

Result<PipelineParts> buildPipeline(const PipelineConfig &config)
{
	PipelineParts parts;

	const CaptureConfig &capture = config.source.v4l2;
	std::optional<BufferAllocator> allocator;
	if (capture.memory == CaptureConfig::Memory::Dmabuf) {
		Result<BufferAllocator> pool = capture.pool == CaptureConfig::Pool::Dumb
						       ? makeDumbAllocator(capture.poolCard)
						       : makeDmaHeapAllocator("system");
		if (!pool)
			return Error{pool.error().code,
				     config.file + ": source.pool: " + pool.error().message};
		allocator = std::move(*pool);
	}
	auto source = std::make_unique<V4l2Source>(capture, std::move(allocator));
	source->setNonContiguous(config.source.nonContiguous);
	parts.source = std::move(source);

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
		}
	}
	return parts;
}

} /* namespace primecam */
