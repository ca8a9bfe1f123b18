/* SPDX-License-Identifier: MIT */
#include "src/verify/case_runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "base/event_loop.h"
#include "drm/kms_sink.h"
#include "pipeline/engine.h"
#include "pipeline/stages/image_convert.h"
#include "src/config_parser.h"
#include "src/pipeline_builder.h"
#include "src/verify/early_release_sink.h"
#include "src/verify/misstated_offset_stage.h"
#include "src/verify/pixel_check.h"
#include "src/verify/reference_stage.h"
#include "src/verify/timing_checks.h"

namespace primecam {

namespace {

/* Frames the reference keeps: the display may lag the camera by the
 * frames queued in every stage and in the display's own queue. */
constexpr size_t kReferenceSlots = 12;
/* Frames streamed before latency counts. */
constexpr uint64_t kWarmUpFrames = 5;

int openFds()
{
	std::error_code ec;
	int n = 0;
	for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
	     !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
		++n;
	return n;
}

double ms(int64_t ns)
{
	return static_cast<double>(ns) / 1e6;
}

/*
 * What a known device does to every frame, done to the reference too, so
 * that the comparison checks everything else exactly. vim2m (Linux 6.1,
 * copy_two_pixels) writes RGB565 in pairs and stores the pair's first pixel
 * twice: each odd column shows its left neighbour's colour. Named in the
 * report through the tolerance's explanation (README, "Verify").
 */
void modelDeviceQuirks(const PathStage &stage, Image &expected)
{
	if (stage.path != VerifyPath::M2m || stage.m2mDriver != "vim2m" || !stage.writes ||
	    stage.writes->name != "RGB565")
		return;
	for (uint32_t y = 0; y < expected.height; ++y) {
		uint8_t *line = &expected.data[size_t{y} * expected.stride];
		for (uint32_t x = 1; x < expected.width; x += 2)
			std::copy_n(line + (x - 1) * 4, 4, line + x * 4);
	}
}

/* One case's pipeline, from its config to its teardown. */
class CaseRun
{
public:
	CaseRun(VerifyResult &result, const PathStage &stage, VerifyFault fault,
		bool timingNotJudged)
		: result_(result), stage_(stage), fault_(fault), timingNotJudged_(timingNotJudged)
	{}

	/* Builds, streams `frames` frames and checks; each failed check adds
	 * a reason. */
	void run(const std::string &configText, uint64_t frames);

private:
	void fail(std::string reason) { result_.reasons.push_back(std::move(reason)); }
	bool build(const std::string &configText);
	void applyFault(SourceParts &source);
	bool stream(uint64_t frames);
	/* Runs the loop until the engine has captured `frames` in all. */
	bool runLoop(uint64_t frames);
	void checkPixels();
	void checkCounts();
	/* Latency and gaps (as checkCounts read them): judged unless
	 * timingNotJudged_. */
	void checkTiming();

	VerifyResult &result_;
	const PathStage &stage_;
	VerifyFault fault_;
	bool timingNotJudged_;
	/* Destroyed bottom-up: the engine first, then the displays its sinks
	 * share, then the loop they are on. */
	std::unique_ptr<EventLoop> loop_;
	std::vector<std::shared_ptr<KmsDisplay>> displays_;
	std::unique_ptr<Engine> engine_;
	ReferenceStage *reference_ = nullptr; /* owned by the engine */
	KmsSink *kms_ = nullptr;	      /* owned by the engine */
	uint64_t framebuffersConfigured_ = 0;
	uint64_t handlesConfigured_ = 0;
};

bool CaseRun::build(const std::string &configText)
{
	Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
	if (!loop) {
		fail("event loop: " + loop.error().message);
		return false;
	}
	loop_ = std::move(*loop);
	Result<PipelineConfig> config = parseConfig(configText, result_.name);
	if (!config) {
		fail(config.error().message);
		return false;
	}
	Result<PipelineParts> parts = buildPipeline(*config);
	if (!parts) {
		fail("building the pipeline: " + parts.error().message);
		return false;
	}
	kms_ = parts->firstKms;
	displays_ = std::move(parts->displays);
	if (!kms_) {
		fail("the path has no kms display to take a writeback frame from");
		return false;
	}
	SourceParts &source = parts->sources.front();
	auto reference = std::make_unique<ReferenceStage>(kReferenceSlots);
	reference_ = reference.get();
	source.stages.insert(source.stages.begin(), std::move(reference));
	applyFault(source);
	engine_ = std::make_unique<Engine>(*loop_, std::move(source.source),
					   std::move(source.stages), std::move(source.sinks));
	Result<void> configured = engine_->configure();
	if (!configured) {
		fail("configure: " + configured.error().message);
		return false;
	}
	framebuffersConfigured_ = kms_->framebufferCount();
	handlesConfigured_ = kms_->gemHandleCount();
	return true;
}

void CaseRun::applyFault(SourceParts &source)
{
	if (fault_ == VerifyFault::EarlyRequeue) {
		for (std::unique_ptr<Sink> &sink : source.sinks)
			if (sink.get() == kms_) {
				std::unique_ptr<KmsSink> kms(
					static_cast<KmsSink *>(sink.release()));
				sink = std::make_unique<EarlyReleaseSink>(std::move(kms));
			}
	} else if (fault_ == VerifyFault::ChromaOffset) {
		/* The first CPU stage of the path (after the reference). */
		for (size_t i = 1; i < source.stages.size(); ++i)
			if (source.stages[i]->kind() == Stage::Kind::Converting) {
				source.stages[i] = std::make_unique<MisstatedOffsetStage>(
					std::move(source.stages[i]));
				break;
			}
	}
}

bool CaseRun::stream(uint64_t frames)
{
	engine_->setFrameLimit(kWarmUpFrames);
	Result<void> started = engine_->start();
	if (!started) {
		fail("start: " + started.error().message);
		return false;
	}
	if (!runLoop(kWarmUpFrames))
		return false;
	/* Latency from here on: the warm-up's first frames wait for code
	 * run the first time (under emulation, translated first). */
	engine_->stats().sinks.front().latency = LatencyRecorder();
	engine_->setFrameLimit(kWarmUpFrames + frames);
	return runLoop(kWarmUpFrames + frames);
}

bool CaseRun::runLoop(uint64_t frames)
{
	/* A stalled path ends the case rather than verify: a second a frame
	 * is far beyond any camera's period, even under emulation. */
	bool timedOut = false;
	Result<EventLoop::TimerId> timer =
		loop_->addTimer(std::chrono::seconds(10 + static_cast<int64_t>(frames)),
				std::chrono::nanoseconds(0), [this, &timedOut] {
					timedOut = true;
					loop_->exit(0);
				});
	if (!timer) {
		fail("timer: " + timer.error().message);
		return false;
	}
	int code = loop_->run();
	if (!timedOut)
		loop_->cancelTimer(*timer);
	if (code < 0) {
		fail(Error::fromErrno(-code, "event loop (epoll_wait)").message);
		return false;
	}
	if (engine_->error()) {
		fail("streaming: " + engine_->error()->message);
		return false;
	}
	if (timedOut) {
		fail("timed out after " + std::to_string(10 + frames) + " s with " +
		     std::to_string(engine_->stats().captured) + " of " + std::to_string(frames) +
		     " frames captured");
		return false;
	}
	return true;
}

void CaseRun::checkPixels()
{
	/*
	 * The camera goes on capturing into every buffer queued to it while
	 * nothing is dequeued (the loop is not running): let it for eight
	 * frame periods, at least 300 ms, so that a buffer given back while
	 * on screen has been written again before the writeback reads the
	 * screen. A display that holds its buffer still shows the frame it
	 * names.
	 */
	std::this_thread::sleep_for(
		std::max(std::chrono::nanoseconds(300'000'000),
			 std::chrono::nanoseconds(8 * reference_->framePeriodNs())));
	Result<Image> screen = kms_->captureWriteback();
	if (!screen) {
		result_.pixels = "not compared";
		fail("pixels: writeback: " + screen.error().message);
		return;
	}
	/* After the writeback: it waited for any flip in flight, so the
	 * frame on screen is the one it read. */
	if (!kms_->activeFrame()) {
		result_.pixels = "not compared";
		fail("pixels: no frame on screen");
		return;
	}
	const uint64_t sequence = kms_->activeFrame().metadata().sequence;
	result_.pixelSequence = sequence;
	std::vector<ImageView> captured = reference_->views(sequence);
	if (captured.empty()) {
		result_.pixels = "not compared";
		fail("pixels: frame " + std::to_string(sequence) +
		     " is on screen, and no longer among the " + std::to_string(kReferenceSlots) +
		     " captured frames kept");
		return;
	}
	const FrameBuffer &layout = reference_->layout();
	const PixelFormatInfo *xrgb = formatByName("XRGB8888");
	if (!canConvert(*layout.format, *xrgb, layout.encoding)) {
		result_.pixels = "not compared";
		fail("pixels: libyuv has no conversion from " + std::string(layout.format->name) +
		     " " + describe(layout.encoding) + " to compare with");
		return;
	}
	const ScreenRect &rect = kms_->output()->rect();
	result_.tolerance = pixelTolerance(stage_.path, *layout.format);
	Image expected{xrgb, layout.width, layout.height, layout.width * 4, {}};
	expected.data.resize(size_t{expected.stride} * expected.height);
	ImageView target{xrgb, expected.width, expected.height, {}};
	target.planes[0] = {expected.data.data(), expected.stride};
	/* A camera may repeat a sequence number (vivid does): the display
	 * showing either frame so numbered is right. */
	std::optional<PixelDifference> best;
	for (const ImageView &view : captured) {
		if (convertImage(view, target, layout.encoding) < 0)
			continue;
		modelDeviceQuirks(stage_, expected);
		PixelDifference diff =
			comparePixels(*screen, rect.x, rect.y, expected, result_.tolerance);
		if (!best || diff.differing < best->differing)
			best = diff;
	}
	if (!best) {
		result_.pixels = "not compared";
		fail("pixels: converting the captured frame failed");
		return;
	}
	result_.pixelsDiffering = best->differing;
	if (best->differing) {
		result_.pixels = "differs";
		fail("pixels: frame " + std::to_string(sequence) + " on screen at (" +
		     std::to_string(rect.x) + "," + std::to_string(rect.y) +
		     "): " + best->describe(result_.tolerance));
		return;
	}
	result_.pixels = result_.tolerance ? "within " + std::to_string(result_.tolerance)
					   : std::string("exact");
}

void CaseRun::checkCounts()
{
	const PipelineStats &stats = engine_->stats();
	result_.frames = stats.captured;
	result_.copies = stats.copies();
	result_.sequenceGaps = stats.sequenceGaps;
	result_.driverDrops = stats.captureErrors;
	result_.referenceCopies = stats.stages.empty() ? 0 : stats.stages.front().processed;
	uint64_t processed = 0;
	for (size_t i = 1; i < stats.stages.size(); ++i) {
		result_.conversions += stats.stages[i].conversions;
		result_.deviceConversions += stats.stages[i].deviceConversions;
		processed += stats.stages[i].processed;
	}
	if (!stats.sinks.empty())
		result_.displayed = stats.sinks.front().displayed;

	if (stage_.path == VerifyPath::Conversion) {
		if (result_.copies || !processed || result_.conversions != processed)
			fail("copies: expected one conversion per frame and no copy; " +
			     std::to_string(result_.conversions) + " conversions of " +
			     std::to_string(processed) + " frames, " +
			     std::to_string(result_.copies) + " copies");
	} else if (result_.copies || result_.conversions) {
		fail("copies: the path is zero-copy, yet " + std::to_string(result_.copies) +
		     " CPU copies and " + std::to_string(result_.conversions) +
		     " conversions were made");
	}
	if (stage_.path == VerifyPath::M2m && !result_.deviceConversions)
		fail("copies: the m2m device converted no frame");

	/* Every import happens at configure time: as many framebuffers and
	 * GEM handles after streaming as before it. */
	result_.framebuffers = kms_->framebufferCount();
	result_.gemHandles = kms_->gemHandleCount();
	result_.buffers = framebuffersConfigured_;
	if (result_.framebuffers != framebuffersConfigured_ ||
	    result_.gemHandles != handlesConfigured_)
		fail("leaks: " + std::to_string(framebuffersConfigured_) + " framebuffers and " +
		     std::to_string(handlesConfigured_) + " GEM handles after configure, " +
		     std::to_string(result_.framebuffers) + " and " +
		     std::to_string(result_.gemHandles) + " after streaming");
}

void CaseRun::checkTiming()
{
	const PipelineStats &stats = engine_->stats();
	const drmModeModeInfo &mode = kms_->output()->mode();
	TimingFigures figures;
	figures.periodNs = reference_->framePeriodNs();
	figures.vblankNs =
		mode.clock && mode.htotal && mode.vtotal
			? static_cast<int64_t>(1e6 * mode.htotal * mode.vtotal / mode.clock)
			: 0;
	figures.startOfExposure = reference_->startOfExposure();
	/* checkCounts read them, before the engine stopped. */
	figures.sequenceGaps = result_.sequenceGaps;
	figures.driverDrops = result_.driverDrops;
	if (!stats.sinks.empty()) {
		const LatencyRecorder &latency = stats.sinks.front().latency;
		figures.latencySamples = latency.count();
		figures.latencyP99Ns = latency.percentile(99);
		result_.latencyP50Ms = ms(latency.percentile(50));
		result_.latencyP99Ms = ms(figures.latencyP99Ns);
	}
	result_.latencyBoundMs = ms(latencyBoundNs(figures));
	result_.timingJudged = !timingNotJudged_;
	if (timingNotJudged_)
		return;
	for (const std::optional<std::string> &failure :
	     {gapsFailure(figures), latencyFailure(figures)})
		if (failure)
			fail(*failure);
}

void CaseRun::run(const std::string &configText, uint64_t frames)
{
	if (!build(configText) || !stream(frames)) {
		if (engine_)
			engine_->stop();
		return;
	}
	checkPixels();
	/* Stop before counting: the sinks count the frames still in flight. */
	checkCounts();
	engine_->stop();
	checkTiming();
}

} /* namespace */

uint32_t pixelTolerance(VerifyPath path, const PixelFormatInfo &shown)
{
	switch (path) {
	case VerifyPath::Direct:
		return shown.name == "RGB565" ? 1 : 0;
	case VerifyPath::Conversion:
		return 2;
	case VerifyPath::M2m:
	case VerifyPath::GlKms:
		return 8;
	}
	return 0;
}

VerifyResult runCase(const std::string &name, const PathStage &stage, const std::string &configText,
		     uint64_t frames, VerifyFault fault, bool timingNotJudged)
{
	VerifyResult result;
	result.name = name;
	result.path = stage.path;
	const auto start = std::chrono::steady_clock::now();
	const int fdsBefore = openFds();
	{
		CaseRun run(result, stage, fault, timingNotJudged);
		run.run(configText, frames);
	}
	result.fdsLeaked = openFds() - fdsBefore;
	if (result.fdsLeaked > 0)
		result.reasons.push_back("leaks: " + std::to_string(result.fdsLeaked) +
					 " file descriptors left open after the case");
	result.seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	result.verdict = result.reasons.empty() ? VerifyVerdict::Pass : VerifyVerdict::Fail;
	return result;
}

} /* namespace primecam */
