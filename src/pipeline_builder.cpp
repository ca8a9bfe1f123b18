/* SPDX-License-Identifier: MIT */
#include "src/pipeline_builder.h"

#include <cerrno>

#include "drm/dumb_allocator.h"
#include "drm/kms_sink.h"
#include "pipeline/null_sink.h"
#include "src/build_config.h"
#include "src/dma_heap_allocator.h"
#include "v4l2/capture_source.h"
#if PRIMECAM_HAVE_LIBV4L2
#include "v4l2/libv4l2_source.h"
#endif

namespace primecam {

Result<PipelineParts> buildPipeline(const PipelineConfig &config)
{
	PipelineParts parts;

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
		Result<BufferAllocator> pool = capture.pool == CaptureConfig::Pool::Dumb
						       ? makeDumbAllocator(capture.poolCard)
						       : makeDmaHeapAllocator("system");
		if (!pool)
			return Error{pool.error().code,
				     config.file + ": source.pool: " + pool.error().message};
		allocator = std::move(*pool);
	}
#if PRIMECAM_HAVE_LIBV4L2
	if (libv4l2) {
		parts.source = std::make_unique<Libv4l2Source>(capture, std::move(allocator));
	} else
#endif
	{
		auto source = std::make_unique<V4l2Source>(capture, std::move(allocator));
		source->setNonContiguous(config.source.nonContiguous);
		parts.source = std::move(source);
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
		}
	}
	return parts;
}

} /* namespace primecam */
