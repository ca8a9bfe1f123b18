/* SPDX-License-Identifier: MIT */
/*
 * The libcamera source on vimc, the kernel's virtual media-controller
 * camera, through Debian 12's libcamera 0.0.3 and its vimc pipeline handler:
 * frames reach vkms through the conversion stage (vkms cannot scan out
 * vimc's 24-bit RGB), and the source's own guarantees (requests reused,
 * nothing allocated after start, fds stable, clear refusals) hold.
 */
#include <chrono>
#include <set>

#include <gtest/gtest.h>
#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>

#include "alloc/dumb_allocator.h"
#include "base/event_loop.h"
#include "camera/camera_manager.h"
#include "camera/libcamera_source.h"
#include "drm/card.h"
#include "drm/kms_sink.h"
#ifdef PRIMECAM_HAVE_EGL
#include "egl/gl_headless_sink.h"
#endif
#include "pipeline/engine.h"
#include "pipeline/null_sink.h"
#include "pipeline/stages/convert_stage.h"
#include "pipeline/stages/image_convert.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"

using namespace std::chrono_literals;
using namespace primecam;
using namespace primecam::test;

namespace {

constexpr char kVimc[] = "platform/vimc.0 Sensor B";

bool haveVimc()
{
	Result<std::shared_ptr<libcamera::CameraManager>> manager = sharedCameraManager();
	return manager && (*manager)->get(kVimc) != nullptr;
}

/* 636x480: a size vimc gives as asked (640 would be rounded to it). */
LibcameraConfig vimc(const char *format = "BGR888", uint32_t width = 636, uint32_t height = 480)
{
	LibcameraConfig config;
	config.camera = kVimc;
	config.format = formatByName(format);
	config.width = width;
	config.height = height;
	config.buffers = 4;
	return config;
}

/* Runs loop until done() or timeout; false on timeout or a loop error. */
template<typename Done>
bool runUntil(EventLoop &loop, Done done, std::chrono::seconds timeout = 120s)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (!done()) {
		if (std::chrono::steady_clock::now() > deadline)
			return false;
		if (loop.dispatch(100) < 0)
			return false;
	}
	return true;
}

TEST(LibcameraToVkms, Bgr888ConvertedShowsLibyuvsConversionOfTheDeliveredFrame)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	PRIMECAM_NEED_DEVICE(Card::openByDriver("vkms").ok(), "the vkms card");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;
	const PixelFormatInfo &xrgb = *formatByName("XRGB8888");

	auto loop = std::move(EventLoop::create()).value();
	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	stages.push_back(
		std::make_unique<ConvertStage>(xrgb, YuvEncodingChoice{}, std::move(*dumb), 4));
	auto kms = std::make_unique<KmsSink>(
		vkms(KmsSinkConfig::Plane::Overlay, KmsSinkConfig::Placement::Center));
	KmsSink *sink = kms.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::move(kms));
	Engine engine(*loop, std::make_unique<LibcameraSource>(vimc()), std::move(stages),
		      std::move(sinks));
	Result<void> ok = engine.configure();
	ASSERT_TRUE(ok) << ok.error().message;
	ok = engine.start();
	ASSERT_TRUE(ok) << ok.error().message;

	const PipelineStats &stats = engine.stats();
	ASSERT_TRUE(runUntil(
		*loop, [&] { return engine.error() || stats.sinks.front().displayed >= 100; }))
		<< "displayed " << stats.sinks.front().displayed << " of " << stats.captured;
	ASSERT_FALSE(engine.error()) << engine.error()->message;

	const StageStats &convert = stats.stages.at(1);
	EXPECT_EQ(convert.conversions, convert.processed);
	EXPECT_EQ(stats.copies(), 0u);
	EXPECT_EQ(convert.syncStarts, convert.processed * 2); /* input + output */
	EXPECT_EQ(convert.syncEnds, convert.syncStarts);

	auto image = sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_TRUE(sink->activeFrame());
	uint64_t shown = sink->activeFrame().metadata().sequence;
	const std::vector<uint8_t> *captured = tapped->frame(shown);
	ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";

	/* libyuv's conversion of what libcamera delivered, in a plain buffer. */
	std::vector<uint8_t> src(*captured);
	std::vector<uint8_t> expected(636 * 4 * 480);
	ImageView in{formatByName("BGR888"), 636, 480, {}};
	in.planes[0] = {src.data(), tapped->stride()};
	ImageView out{&xrgb, 636, 480, {}};
	out.planes[0] = {expected.data(), 636 * 4};
	ASSERT_EQ(convertImage(in, out), 0);
	/* Centred on the 640x480 mode, over a black primary plane: two black
	 * columns either side. */
	std::string first;
	EXPECT_EQ(compareXrgb(*image, 2, 0, expected, 636 * 4, 636, 480, &first), 0u)
		<< "frame " << shown << ": " << first;
	engine.stop();
}

TEST(LibcameraToNull, SequencesHaveNoGapsAndNothingIsAllocatedAfterStart)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	auto loop = std::move(EventLoop::create()).value();
	auto owned = std::make_unique<LibcameraSource>(vimc());
	LibcameraSource *source = owned.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::make_unique<NullSink>());
	Engine engine(*loop, std::move(owned), std::move(sinks));
	Result<void> ok = engine.configure();
	ASSERT_TRUE(ok) << ok.error().message;
	/* One request per buffer, allocated once. */
	const uint64_t allocated = source->allocations();
	EXPECT_EQ(allocated, 2 * source->buffers().size());
	ok = engine.start();
	ASSERT_TRUE(ok) << ok.error().message;

	/* Warm up, then measure: fds and mappings must not grow per frame. */
	engine.setFrameLimit(5);
	ASSERT_TRUE(
		runUntil(*loop, [&] { return engine.error() || engine.stats().captured >= 5; }));
	int fds = openFdCount();
	int maps = mappingCount();
	engine.setFrameLimit(40);
	ASSERT_TRUE(
		runUntil(*loop, [&] { return engine.error() || engine.stats().captured >= 40; }));
	ASSERT_FALSE(engine.error()) << engine.error()->message;

	const PipelineStats &stats = engine.stats();
	EXPECT_EQ(stats.sequenceGaps, 0u) << "vimc skipped frames before primecam saw them";
	EXPECT_EQ(stats.captureErrors, 0u);
	EXPECT_EQ(stats.sinks.front().displayed, stats.captured);
	EXPECT_EQ(source->allocations(), allocated) << "requests or buffers allocated after start";
	EXPECT_EQ(openFdCount(), fds);
	EXPECT_EQ(mappingCount(), maps);
	/* Every frame is one of the buffers configured, by identity. */
	std::set<BufferId> ids;
	for (const FrameBuffer &fb : source->buffers())
		ids.insert(fb.planes[0].id);
	EXPECT_EQ(ids.size(), source->buffers().size());
	engine.stop();
}

TEST(Libcamera, FdCountIsStableAcrossFiveStartStopCycles)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	auto loop = std::move(EventLoop::create()).value();
	LibcameraSource source(vimc());
	Result<void> ok = source.configure();
	ASSERT_TRUE(ok) << ok.error().message;
	const uint64_t allocated = source.allocations();

	std::vector<int> fdCounts;
	for (int cycle = 0; cycle < 5; ++cycle) {
		PipelineStats stats;
		uint64_t frames = 0;
		std::optional<Error> error;
		ok = source.start(
			*loop, stats, [&](FrameRef) { ++frames; },
			[&](const Error &e) { error = e; });
		ASSERT_TRUE(ok) << "cycle " << cycle << ": " << ok.error().message;
		ASSERT_TRUE(runUntil(*loop, [&] { return error || frames >= 3; }))
			<< "cycle " << cycle;
		ASSERT_FALSE(error) << error->message;
		source.stop();
		EXPECT_FALSE(source.isStreaming());
		fdCounts.push_back(openFdCount());
	}
	EXPECT_EQ(source.allocations(), allocated);
	for (int count : fdCounts)
		EXPECT_EQ(count, fdCounts.front()) << "fd counts per cycle drift";
}

TEST(Libcamera, AnUnknownCameraIdListsTheCamerasThere)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	LibcameraConfig config = vimc();
	config.camera = "platform/nonexistent";
	LibcameraSource source(config);
	Result<void> ok = source.configure();
	ASSERT_FALSE(ok);
	EXPECT_EQ(ok.error().code, ENODEV);
	EXPECT_NE(ok.error().message.find("no libcamera camera \"platform/nonexistent\""),
		  std::string::npos)
		<< ok.error().message;
	EXPECT_NE(ok.error().message.find(std::string("\"") + kVimc + "\" (Sensor B)"),
		  std::string::npos)
		<< ok.error().message;
}

TEST(Libcamera, AFormatTheCameraCannotGiveListsWhatItOffers)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	LibcameraSource source(vimc("NV12"));
	Result<void> ok = source.configure();
	ASSERT_FALSE(ok);
	EXPECT_EQ(ok.error().code, EINVAL);
	EXPECT_NE(ok.error().message.find("cannot give NV12"), std::string::npos)
		<< ok.error().message;
	EXPECT_NE(ok.error().message.find("BGR888"), std::string::npos) << ok.error().message;
	/* The camera was released: it can be configured again at once. */
	LibcameraSource again(vimc());
	Result<void> retry = again.configure();
	EXPECT_TRUE(retry) << retry.error().message;
}

TEST(Libcamera, AnAdjustedSizeIsReportedAndTheIndexSelectsTheCamera)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	LibcameraConfig config = vimc("BGR888", 640, 480);
	config.camera = "0";
	LibcameraSource source(config);
	Result<void> ok = source.configure();
	ASSERT_TRUE(ok) << ok.error().message;
	EXPECT_EQ(source.cameraId(), kVimc);
	ASSERT_EQ(source.adjustments().size(), 1u);
	EXPECT_EQ(source.adjustments()[0], "libcamera adjusted 640x480 to 636x480");
	ASSERT_FALSE(source.buffers().empty());
	const FrameBuffer &fb = source.buffers().front();
	EXPECT_EQ(fb.width, 636u);
	EXPECT_EQ(fb.height, 480u);
	EXPECT_GE(fb.planes[0].stride, 636u * 3);
	EXPECT_NE(source.describe().find("636x480"), std::string::npos) << source.describe();
}

} /* namespace */

#ifdef PRIMECAM_HAVE_EGL
namespace {

/*
 * vimc through libcamera to the GPU: GL draws no 24-bit RGB (EGL refuses
 * BG24/RG24), so the convert stage writes XRGB8888 into dumb buffers of
 * vkms, the card the EGL display is on, and those import for real (Mesa's
 * kms_swrast cannot draw foreign dma-bufs). The FBO then holds exactly
 * libyuv's conversion of the frame libcamera delivered.
 */
TEST(LibcameraToGl, Bgr888ConvertedIsDrawnExactlyWithoutCopies)
{
	PRIMECAM_NEED_DEVICE(haveVimc(), "vimc through libcamera");
	PRIMECAM_NEED_DEVICE(Card::openByDriver("vkms").ok(), "the vkms card");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;
	const PixelFormatInfo &xrgb = *formatByName("XRGB8888");

	auto loop = std::move(EventLoop::create()).value();
	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	stages.push_back(
		std::make_unique<ConvertStage>(xrgb, YuvEncodingChoice{}, std::move(*dumb), 4));
	GlSinkConfig glConfig;
	glConfig.platform = GlSinkConfig::Platform::Gbm;
	glConfig.card = "vkms";
	auto glSink = std::make_unique<GlHeadlessSink>(glConfig);
	GlHeadlessSink *gl = glSink.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::move(glSink));
	Engine engine(*loop, std::make_unique<LibcameraSource>(vimc()), std::move(stages),
		      std::move(sinks));
	Result<void> ok = engine.configure();
	ASSERT_TRUE(ok) << ok.error().message;
	ok = engine.start();
	ASSERT_TRUE(ok) << ok.error().message;

	/* llvmpipe under emulation draws a few frames a second: tens suffice. */
	const PipelineStats &stats = engine.stats();
	ASSERT_TRUE(runUntil(*loop,
			     [&] { return engine.error() || stats.sinks.front().displayed >= 10; }))
		<< "drawn " << stats.sinks.front().displayed << " of " << stats.captured;
	ASSERT_FALSE(engine.error()) << engine.error()->message;
	engine.stop();
	EXPECT_EQ(stats.copies(), 0u) << "vkms's own dumb buffers must import, not upload";
	EXPECT_EQ(stats.sequenceGaps, 0u);

	Result<Image> drawn = gl->readPixels();
	ASSERT_TRUE(drawn) << drawn.error().message;
	uint64_t shown = gl->lastSequence();
	const std::vector<uint8_t> *captured = tapped->frame(shown);
	ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";
	std::vector<uint8_t> src(*captured);
	std::vector<uint8_t> expected(636 * 4 * 480);
	ImageView in{formatByName("BGR888"), 636, 480, {}};
	in.planes[0] = {src.data(), tapped->stride()};
	ImageView out{&xrgb, 636, 480, {}};
	out.planes[0] = {expected.data(), 636 * 4};
	ASSERT_EQ(convertImage(in, out), 0);

	/* The FBO is R, G, B, A bytes; the conversion B, G, R, X. */
	ASSERT_GE(drawn->width, 636u);
	ASSERT_GE(drawn->height, 480u);
	size_t diffs = 0;
	std::string first;
	for (uint32_t y = 0; y < 480; ++y) {
		for (uint32_t x = 0; x < 636; ++x) {
			const uint8_t *g = drawn->data.data() + y * drawn->stride + x * 4;
			const uint8_t *e = expected.data() + (y * 636 + x) * 4;
			if ((g[0] != e[2] || g[1] != e[1] || g[2] != e[0]) && !diffs++)
				first = "(" + std::to_string(x) + "," + std::to_string(y) + ")";
		}
	}
	EXPECT_EQ(diffs, 0u) << "frame " << shown << ", first difference at " << first;
}

} /* namespace */
#endif
