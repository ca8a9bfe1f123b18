/* SPDX-License-Identifier: MIT */
#include "tests/vm/device/e2e/e2e_pipeline.h"

#include <algorithm>
#include <chrono>

#include "drm/card.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"
#include "v4l2/v4l2_source.h"

using namespace std::chrono_literals;

namespace primecam::test {

bool haveDevices()
{
	return !vividNode(CaptureConfig::Api::SinglePlanar).empty() &&
	       Card::openByDriver("vkms").ok();
}

KmsSinkConfig vkms(KmsSinkConfig::Plane plane, KmsSinkConfig::Placement placement)
{
	KmsSinkConfig config = vkmsSinkConfig(plane, placement);
	config.mode = ModeRequest::parse("640x480");
	return config;
}

namespace {

/*
 * vivid stamps "End of Frame" by default as the fill's start plus 0.9 frame
 * periods, a simulated read-out time: under emulation the fill is faster
 * than that, so buffers arrive stamped in the future and capture-to-flip
 * latency comes out negative. The start of exposure is a real time.
 */
CaptureConfig startOfExposure(CaptureConfig capture)
{
	capture.controls.emplace_back("Timestamp Source", 1);
	return capture;
}

} /* namespace */

Pipeline::Pipeline(CaptureConfig capture, const KmsSinkConfig &display,
		   std::optional<BufferAllocator> allocator,
		   std::vector<std::unique_ptr<Stage>> stages, const SinkWrapper &wrap)
	: Pipeline(std::make_unique<V4l2Source>(startOfExposure(std::move(capture)),
						std::move(allocator)),
		   display, std::move(stages), wrap)
{}

Pipeline::Pipeline(std::unique_ptr<Source> source, const KmsSinkConfig &display,
		   std::vector<std::unique_ptr<Stage>> stages, const SinkWrapper &wrap)
{
	loop = std::move(EventLoop::create()).value();
	auto kms = std::make_unique<KmsSink>(display);
	sink = kms.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	if (wrap)
		sinks.push_back(wrap(std::move(kms)));
	else
		sinks.push_back(std::move(kms));
	engine = std::make_unique<Engine>(*loop, std::move(source), std::move(stages),
					  std::move(sinks));
}

Result<void> Pipeline::start()
{
	Result<void> ret = engine->configure();
	return ret ? engine->start() : ret;
}

bool Pipeline::runTo(uint64_t frames)
{
	const uint64_t toGo = frames - std::min(frames, engine->stats().captured);
	const auto limit = 30s + std::chrono::duration_cast<std::chrono::seconds>(toGo * 200ms);
	engine->setFrameLimit(frames);
	bool timedOut = false;
	auto watchdog = loop->addTimer(limit, 0s, [&] {
		timedOut = true;
		loop->exit(2);
	});
	int code = loop->run();
	if (!timedOut && watchdog)
		loop->cancelTimer(*watchdog);
	return code == 0 && !timedOut;
}

std::string Pipeline::error() const
{
	return engine->error() ? engine->error()->message : std::string("(no error)");
}

} /* namespace primecam::test */
