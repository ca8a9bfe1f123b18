/* SPDX-License-Identifier: MIT */
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/event_loop.h"
#include "drm/kms_sink.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/engine.h"
#include "pipeline/stage.h"
#include "v4l2/capture_config.h"

namespace primecam::test {

/* vivid's single-planar capture node and vkms are both there. */
bool haveDevices();

/* vkms at 640x480, a size vivid's webcam input also offers. */
KmsSinkConfig vkms(KmsSinkConfig::Plane plane = KmsSinkConfig::Plane::Primary,
		   KmsSinkConfig::Placement placement = KmsSinkConfig::Placement::Fullscreen);

/* What the engine gets instead of the KmsSink itself (a test's broken
 * display around it); none: the KmsSink. */
using SinkWrapper = std::function<std::unique_ptr<Sink>(std::unique_ptr<KmsSink>)>;

/* vivid -> [stages] -> vkms on one loop; the sink stays reachable for
 * writeback. */
struct Pipeline {
	std::unique_ptr<EventLoop> loop;
	std::unique_ptr<Engine> engine;
	KmsSink *sink = nullptr;

	Pipeline(CaptureConfig capture, const KmsSinkConfig &display,
		 std::optional<BufferAllocator> allocator = {},
		 std::vector<std::unique_ptr<Stage>> stages = {}, const SinkWrapper &wrap = {});
	/* Any source (libv4l2) instead of a V4l2Source. */
	Pipeline(std::unique_ptr<Source> source, const KmsSinkConfig &display,
		 std::vector<std::unique_ptr<Stage>> stages, const SinkWrapper &wrap = {});

	Result<void> start();
	/*
	 * Runs until `frames` captured frames in all; false on timeout. The
	 * watchdog allows 200 ms per frame still to come (vivid runs at 25
	 * fps, 40 ms a frame; under emulation on a loaded 2-core host a frame
	 * has taken up to 5 times that), and 30 s for start-up: a fixed limit
	 * would be ample for 50 frames and tight for 900.
	 */
	bool runTo(uint64_t frames);

	const SinkStats &display() const { return engine->stats().sinks.front(); }
	std::string error() const;
};

} /* namespace primecam::test */
