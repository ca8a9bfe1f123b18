/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <functional>

#include "base/result.h"
#include "pipeline/frame_ref.h"

namespace primecam {

class EventLoop;
struct PipelineStats;

/*
 * One link of the chain between the source and the sinks, on the event loop:
 * frames go in with submit() and come out through deliver, in the same or in
 * a new buffer. A run of CPU stages is one link (StageRunner: a worker thread
 * behind an eventfd); a V4L2 mem2mem stage is another (the device's fd), so
 * that CPU and hardware stages chain in any order.
 */
class StageLink
{
public:
	using DeliverFn = std::function<void(FrameRef frame)>;
	using ErrorFn = std::function<void(const Error &error)>;

	virtual ~StageLink() = default;

	/* stats.stages has an entry for every stage of the pipeline, in chain
	 * order; this link's first is at firstStage. */
	virtual Result<void> start(EventLoop &loop, PipelineStats &stats, size_t firstStage,
				   DeliverFn deliver, ErrorFn onError) = 0;
	/* Loop thread: a frame for the link. */
	virtual void submit(FrameRef frame) = 0;
	/* Drops every frame the link holds; nothing is delivered after it. */
	virtual void stop() = 0;
};

} /* namespace primecam */
