/* SPDX-License-Identifier: MIT */
/*
 * vivid YUYV -> gl-kms -> vkms on real drivers: vkms scans out no YUV, so GL
 * (llvmpipe through kms_swrast on the vkms card) converts each frame into
 * the display's own XRGB8888 dumb buffers, which vkms then shows. What vkms
 * shows (its writeback connector) is checked against libyuv's conversion of
 * the frame vivid captured for it. Tens of frames: llvmpipe under emulation
 * takes about 100 ms per draw.
 */
#include <gtest/gtest.h>

#include "alloc/dumb_allocator.h"
#include "egl/gl_kms_sink.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"
#include "tests/vm/device/egl/yuv_check.h"
#include "v4l2/v4l2_source.h"

using namespace primecam;
using namespace primecam::test;
using namespace std::chrono_literals;

namespace {

/* vivid YUYV 640x480 captured into dumb buffers on vkms: buffers the GL
 * card allocated itself, the ones kms_swrast imports for real. */
CaptureConfig vividYuyvInVkmsBuffers(uint32_t width, uint32_t height)
{
	CaptureConfig capture;
	capture.device = "vivid";
	capture.api = CaptureConfig::Api::SinglePlanar;
	capture.format = formatByName("YUYV");
	capture.width = width;
	capture.height = height;
	capture.fps = 25;
	capture.buffers = 4;
	capture.controls.emplace_back("Timestamp Source", 1);
	capture.memory = CaptureConfig::Memory::Dmabuf;
	capture.pool = CaptureConfig::Pool::Dumb;
	capture.poolCard = "vkms";
	return capture;
}

/*
 * vivid YUYV width x height -> gl-kms -> vkms in a 640x480 mode: the frame
 * drawn at 1:1 scale, centred (an aspect ratio other than 4:3 gets black
 * bars), checked against libyuv's conversion of the frame on screen.
 */
void glKmsTest(uint32_t width, uint32_t height)
{
	constexpr uint32_t kFrames = 40;
	std::unique_ptr<EventLoop> loop = std::move(EventLoop::create()).value();

	std::vector<std::unique_ptr<Stage>> stages;
	/* GL under emulation shows one frame in 4 or 5 captured, and on a
	 * loaded host one in 37 was seen: room for every frame of the run. */
	auto tapStage = std::make_unique<ReferenceStage>(kFrames);
	ReferenceStage *tap = tapStage.get();
	stages.push_back(std::move(tapStage));

	KmsSinkConfig display = vkms();
	display.mode = ModeRequest::parse("640x480");
	auto sink = std::make_unique<GlKmsSink>(display, GlSinkConfig{});
	GlKmsSink *gl = sink.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::move(sink));

	Engine engine(*loop,
		      std::make_unique<V4l2Source>(vividYuyvInVkmsBuffers(width, height),
						   std::move(makeDumbAllocator("vkms")).value()),
		      std::move(stages), std::move(sinks));
	{
		Result<void> ret = engine.configure();
		if (ret)
			ret = engine.start();
		ASSERT_TRUE(ret) << ret.error().message;
	}
	EXPECT_FALSE(gl->renderer()->uploading()) << gl->renderer()->pathNote();
	/* the mode's size, whatever the frame's */
	EXPECT_EQ(gl->width(), 640u);
	EXPECT_EQ(gl->height(), 480u);
	/* the output buffers are the display's framebuffers, made once */
	EXPECT_EQ(gl->kms().framebufferCount(), GlKmsSink::kOutputBuffers);

	engine.setFrameLimit(kFrames);
	bool timedOut = false;
	auto watchdog = loop->addTimer(120s, 0s, [&] {
		timedOut = true;
		loop->exit(2);
	});
	int code = loop->run();
	if (!timedOut && watchdog)
		loop->cancelTimer(*watchdog);
	ASSERT_TRUE(code == 0 && !timedOut)
		<< (engine.error() ? engine.error()->message : std::string("timed out"));

	const PipelineStats &stats = engine.stats();
	ASSERT_EQ(stats.sinks.size(), 1u);
	const SinkStats &shown = stats.sinks[0];
	printf("gl-kms YUYV %ux%u: %llu received, %llu displayed, %llu dropped, latency p50 %.1f "
	       "ms\n",
	       width, height, static_cast<unsigned long long>(shown.received),
	       static_cast<unsigned long long>(shown.displayed),
	       static_cast<unsigned long long>(shown.droppedTotal()),
	       static_cast<double>(shown.latency.percentile(50)) / 1e6);
	/* Shown, not a rate: llvmpipe draws on the emulated CPUs a loaded
	 * host starves (1 of 37 frames seen shown while two builds ran). */
	EXPECT_GE(shown.displayed, 1u);
	EXPECT_EQ(shown.copies, 0u);
	EXPECT_EQ(stats.copies(), 0u);
	/* one EGLImage per capture buffer, made at configure, none per frame */
	EXPECT_EQ(gl->renderer()->imagesCreated(), 4u);
	/* a latency per flip: capture -> the page flip that showed it */
	EXPECT_GT(shown.latency.percentile(50), 0);

	/* What vkms shows, and the frame vivid captured for it. */
	Result<Image> screen = gl->kms().captureWriteback();
	ASSERT_TRUE(screen) << screen.error().message;
	ASSERT_TRUE(gl->kms().activeFrame());
	uint64_t sequence = gl->kms().activeFrame().metadata().sequence;
	const std::vector<uint8_t> *kept = tap->frame(sequence);
	ASSERT_NE(kept, nullptr) << "frame " << sequence << " no longer kept";
	std::vector<uint8_t> bytes = *kept;
	ImageView captured{formatByName("YUYV"), width, height, {}};
	captured.planes[0] = {bytes.data(), tap->stride()};

	/* Writeback is XRGB8888 (bytes B, G, R, X); the check takes R, G, B
	 * of the frame's rectangle. Outside it: black. */
	ASSERT_EQ(screen->width, 640u);
	ASSERT_EQ(screen->height, 480u);
	const uint32_t x0 = (640 - width) / 2, y0 = (480 - height) / 2;
	Image rgb;
	rgb.format = formatByName("XBGR8888");
	rgb.width = width;
	rgb.height = height;
	rgb.stride = width * 4;
	rgb.data.resize(static_cast<size_t>(rgb.stride) * rgb.height);
	size_t litBars = 0;
	for (uint32_t y = 0; y < 480; ++y) {
		for (uint32_t x = 0; x < 640; ++x) {
			const uint8_t *s = screen->data.data() + y * screen->stride + x * 4;
			if (x < x0 || x >= x0 + width || y < y0 || y >= y0 + height) {
				litBars += s[0] || s[1] || s[2];
				continue;
			}
			uint8_t *d = rgb.data.data() + (y - y0) * rgb.stride + (x - x0) * 4;
			d[0] = s[2];
			d[1] = s[1];
			d[2] = s[0];
			d[3] = 255;
		}
	}
	EXPECT_EQ(litBars, 0u) << "pixels outside the frame that are not black";
	/* vivid's webcam input: sRGB colorspace, so BT.601 limited */
	YuvCheck check = compareYuv(rgb, captured, YuvEncoding{});
	printf("gl-kms frame %llu on screen: max |vkms - libyuv| R,G %d, B %d; max |vkms - "
	       "formula| %d\n",
	       static_cast<unsigned long long>(sequence), check.maxRedGreenVsLibyuv,
	       check.maxBlueVsLibyuv, check.maxVsFormula);
	EXPECT_EQ(check.overTolerance, 0u) << check.first;

	engine.stop();
	/* drawn and shown, or dropped: also what was in flight at stop() */
	EXPECT_EQ(shown.displayed + shown.droppedTotal(), shown.received)
		<< shown.displayed << " shown, " << shown.droppedTotal() << " dropped of "
		<< shown.received;
}

TEST(GlKms, VividYuyvIsConvertedByGlAndShownByVkmsWithoutCopies)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	glKmsTest(640, 480);
}

/* 16:9 in a 4:3 mode: the plane cannot scale (vkms), GL places the frame
 * between black bars above and below. */
TEST(GlKms, WideFrameIsLetterboxedOnBlack)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	glKmsTest(640, 360);
}

} /* namespace */

/*
 * configure() again (an engine reconfigured, a source that changed size):
 * the display already holds vkms as DRM master, and the sink must learn
 * the mode through it rather than open the card a second time. Same
 * input: nothing new is made or leaked; a new size: the old images go.
 */
TEST(GlKms, ConfiguringAgainReusesTheDisplayAndLeaksNothing)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vkms");
	Result<BufferAllocator> allocator = makeDumbAllocator("vkms");
	ASSERT_TRUE(allocator) << allocator.error().message;
	Result<std::unique_ptr<BufferPool>> input =
		BufferPool::create(*allocator, *formatByName("XRGB8888"), 640, 480, 4);
	ASSERT_TRUE(input) << input.error().message;

	KmsSinkConfig display = vkms();
	display.mode = ModeRequest::parse("640x480");
	GlKmsSink sink(display, GlSinkConfig{});
	Result<void> first = sink.configure((*input)->buffers());
	ASSERT_TRUE(first) << first.error().message;
	const int fds = openFdCount();
	EXPECT_EQ(sink.renderer()->imageCount(), 4u);

	Result<void> again = sink.configure((*input)->buffers());
	ASSERT_TRUE(again) << again.error().message;
	EXPECT_TRUE(sink.kms().card().isMaster());
	EXPECT_EQ(sink.width(), 640u);
	EXPECT_EQ(sink.kms().framebufferCount(), GlKmsSink::kOutputBuffers);
	EXPECT_EQ(sink.renderer()->imageCount(), 4u);
	EXPECT_EQ(sink.renderer()->imagesCreated(), 8u) << "the same 4 buffers imported again";
	EXPECT_EQ(openFdCount(), fds) << "file descriptors leaked by the second configure";

	Result<std::unique_ptr<BufferPool>> smaller =
		BufferPool::create(*allocator, *formatByName("XRGB8888"), 320, 240, 3);
	ASSERT_TRUE(smaller) << smaller.error().message;
	Result<void> resized = sink.configure((*smaller)->buffers());
	ASSERT_TRUE(resized) << resized.error().message;
	EXPECT_EQ(sink.width(), 640u) << "still the mode's size";
	EXPECT_EQ(sink.renderer()->imageCount(), 3u) << "the first pool's images are gone";
}
