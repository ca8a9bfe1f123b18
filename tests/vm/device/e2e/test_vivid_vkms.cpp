/* SPDX-License-Identifier: MIT */
/*
 * The Samsung use case end to end on real drivers: vivid captures, vkms
 * scans the very same buffers out, and vkms's writeback connector shows
 * what the display displayed.
 */
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "alloc/dumb_allocator.h"
#include "base/event_loop.h"
#include "drm/card.h"
#include "drm/kms_sink.h"
#include "pipeline/engine.h"
#include "src/scaling_advice.h"
#include "src/verify/early_release_sink.h"
#include "src/verify/reference_stage.h"
#include "syscall_counter.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"
#include "tests/vm/device/e2e/writeback_check.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"

using namespace primecam;
using namespace primecam::test;
using namespace std::chrono_literals;

namespace {

/* A tap in front of the display: the path stays zero-copy (an analysis
 * stage passes the frame on in its own buffer) and the test keeps a copy of
 * each frame as captured, to compare the screen with. */
std::vector<std::unique_ptr<Stage>> tapped(ReferenceStage *&tap)
{
	std::vector<std::unique_ptr<Stage>> stages;
	auto stage = std::make_unique<ReferenceStage>();
	tap = stage.get();
	stages.push_back(std::move(stage));
	return stages;
}

/* The display shows, at (x0, y0), the frame it says is on screen, as it was
 * captured. */
void expectWritebackShowsActiveFrame(KmsSink &sink, ReferenceStage &tap, uint32_t x0 = 0,
				     uint32_t y0 = 0)
{
	std::string first;
	Result<size_t> diffs = writebackDiffersFromCapture(sink, tap, x0, y0, &first);
	ASSERT_TRUE(diffs.ok()) << diffs.error().message;
	EXPECT_EQ(*diffs, 0u) << "the display does not show the frame it says it shows, as "
				 "captured: "
			      << first;
}

void expectZeroCopyRun(const Pipeline &p, uint64_t frames)
{
	const PipelineStats &stats = p.engine->stats();
	EXPECT_EQ(stats.captured, frames);
	EXPECT_EQ(stats.copies(), 0u) << "a CPU copy on the zero-copy path";
	EXPECT_EQ(stats.captureErrors, 0u);
	/*
	 * Every frame the display took is shown or counted as dropped
	 * because the display was behind (at most two still wait for a
	 * flip), never lost to an error. How many it shows is a rate: vkms
	 * flips on an hrtimer of the emulated CPUs, which a loaded host
	 * starves (92 of 100 seen while two builds ran), so the bound is
	 * half.
	 */
	const SinkStats &display = p.display();
	EXPECT_LE(display.displayed + display.droppedTotal(), display.received);
	EXPECT_LE(display.received - display.displayed - display.droppedTotal(), 2u);
	EXPECT_EQ(display.dropped[static_cast<size_t>(DropReason::SinkError)], 0u);
	EXPECT_GE(display.displayed * 2, stats.captured)
		<< display.displayed << " of " << stats.captured << " displayed";
	EXPECT_GT(p.display().latency.percentile(50), 0);
}

} /* namespace */

TEST(VividToVkms, Xr24OnThePrimaryPlane300Frames)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	ReferenceStage *tap = nullptr;
	Pipeline p(vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888"), vkms(), {},
		   tapped(tap));
	auto ret = p.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(p.runTo(300)) << p.error();
	expectZeroCopyRun(p, 300);
	expectWritebackShowsActiveFrame(*p.sink, *tap);
	p.engine->stop();
}

/*
 * The check above can fail: a display that gives each buffer back to the
 * camera while it is still on screen (EarlyReleaseSink) shows, once vivid
 * has captured into that buffer again, a newer frame than the one it says
 * it shows, and the check reports the difference. (A comparison with the
 * buffer's current bytes would not: they change with the screen.)
 */
TEST(VividToVkms, CheckSeesABufferTheCameraOverwroteWhileOnScreen)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	ReferenceStage *tap = nullptr;
	Pipeline p(vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888"), vkms(), {},
		   tapped(tap), [](std::unique_ptr<KmsSink> kms) -> std::unique_ptr<Sink> {
			   return std::make_unique<EarlyReleaseSink>(std::move(kms));
		   });
	auto ret = p.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(p.runTo(50)) << p.error();
	ASSERT_GT(p.display().displayed, 0u);

	/* vivid keeps streaming into its queue, where the buffer on screen
	 * already is; it fills the queued buffers one per frame period, so
	 * within a few periods (the pool is 4 buffers) it reaches the one on
	 * screen. Until then the screen still matches: ask again, for up to
	 * 20 s, an ample bound for a few 40 ms periods under emulation. */
	std::string first;
	size_t diffs = 0;
	auto deadline = std::chrono::steady_clock::now() + 20s;
	while (diffs == 0 && std::chrono::steady_clock::now() < deadline) {
		std::this_thread::sleep_for(100ms);
		Result<size_t> check = writebackDiffersFromCapture(*p.sink, *tap, 0, 0, &first);
		ASSERT_TRUE(check.ok()) << check.error().message;
		diffs = *check;
	}
	EXPECT_GT(diffs, 0u) << "the check did not see the camera overwrite the frame on screen";
	p.engine->stop();
}

TEST(VividToVkms, MultiplanarApi)
{
	PRIMECAM_NEED_DEVICE(haveDevices() && !vividNode(CaptureConfig::Api::MultiPlanar).empty(),
			     "vivid's multi-planar node and vkms");
	ReferenceStage *tap = nullptr;
	Pipeline p(vividConfig(CaptureConfig::Api::MultiPlanar, "XRGB8888"), vkms(), {},
		   tapped(tap));
	auto ret = p.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(p.runTo(100)) << p.error();
	expectZeroCopyRun(p, 100);
	expectWritebackShowsActiveFrame(*p.sink, *tap);
	p.engine->stop();
}

TEST(VividToVkms, DmabufImportOfDumbBuffersFromTheDisplayCard)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	auto allocator = makeDumbAllocator("vkms");
	ASSERT_TRUE(allocator.ok()) << allocator.error().message;
	CaptureConfig capture = vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888");
	capture.memory = CaptureConfig::Memory::Dmabuf;
	ReferenceStage *tap = nullptr;
	Pipeline p(capture, vkms(), std::move(*allocator), tapped(tap));
	auto ret = p.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	EXPECT_NE(p.engine->source().describe().find("DMABUF"), std::string::npos)
		<< p.engine->source().describe();
	ASSERT_TRUE(p.runTo(100)) << p.error();
	expectZeroCopyRun(p, 100);
	expectWritebackShowsActiveFrame(*p.sink, *tap);
	p.engine->stop();
}

TEST(VividToVkms, SmallerCaptureOnAnOverlayAboveABlackPrimary)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	ReferenceStage *tap = nullptr;
	Pipeline p(vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888", 320, 180),
		   vkms(KmsSinkConfig::Plane::Overlay, KmsSinkConfig::Placement::Center), {},
		   tapped(tap));
	auto ret = p.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(p.runTo(50)) << p.error();
	expectZeroCopyRun(p, 50);

	/* 320x180 centred on 640x480: at (160, 150), black around it. */
	expectWritebackShowsActiveFrame(*p.sink, *tap, 160, 150);
	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	size_t lit = 0;
	for (uint32_t y = 0; y < image->height; ++y)
		for (uint32_t x = 0; x < image->width; ++x) {
			bool inside = x >= 160 && x < 480 && y >= 150 && y < 330;
			const uint8_t *px = &image->data[size_t{y} * image->stride + x * 4];
			lit += !inside && (px[0] | px[1] | px[2]);
		}
	EXPECT_EQ(lit, 0u) << "the primary plane around the overlay must be black";
	p.engine->stop();
}

/*
 * A soak: 3,000 frames, a fatal streaming error restarted half-way, and
 * nothing allocated, imported, mapped or leaked per frame or by the restart:
 * fds, framebuffers (the card's debugfs, every client), GEM handles and
 * mappings count at the end what they counted after warm-up.
 */
TEST(VividToVkms, SoakOf3000FramesAndARestartAllocatesImportsAndLeaksNothing)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	/* 3,000 frames at vivid's 25 fps, up to 3 times slower on a loaded
	 * emulated host. */
	extendTestTimeout(400);
	unsigned minor = Card::openByDriver("vkms")->minor();
	Pipeline p(vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888"), vkms());
	auto ret = p.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	ASSERT_TRUE(p.runTo(100)) << p.error();
	SyscallCounts warm = syscallCounts();
	int fds = openFdCount(), fbs = framebufferCount(minor), maps = mappingCount();
	size_t handles = p.sink->gemHandleCount();
	ASSERT_GT(fbs, 0);
	ASSERT_GT(handles, 0u);

	ASSERT_TRUE(p.runTo(1500)) << p.error();
	Result<void> pressed = test::setDeviceControl(vividNode(CaptureConfig::Api::SinglePlanar),
						      "Inject Fatal Streaming Error", 1);
	ASSERT_TRUE(pressed.ok()) << pressed.error().message;
	ASSERT_TRUE(p.runTo(3100)) << p.error();
	SyscallCounts after = syscallCounts();
	EXPECT_EQ(p.engine->stats().restartCount(), 1u);
	EXPECT_EQ(after.expbuf, warm.expbuf) << "VIDIOC_EXPBUF per frame";
	EXPECT_EQ(after.reqbufs, warm.reqbufs) << "VIDIOC_REQBUFS per frame";
	EXPECT_EQ(after.primeImport, warm.primeImport) << "PRIME import per frame";
	EXPECT_EQ(after.addFb, warm.addFb) << "AddFB2 per frame";
	EXPECT_EQ(after.rmFb, warm.rmFb) << "RmFB per frame";
	EXPECT_EQ(after.fileMmap, warm.fileMmap) << "mmap per frame";
	EXPECT_LE(after.atomic - warm.atomic, 3000u) << "more than one commit per frame";
	EXPECT_EQ(openFdCount(), fds);
	EXPECT_EQ(framebufferCount(minor), fbs);
	EXPECT_EQ(mappingCount(), maps);
	EXPECT_EQ(p.sink->gemHandleCount(), handles);
	expectZeroCopyRun(p, 3100);
	p.engine->stop();
}

TEST(VividToVkms, YuyvIsRefusedAtStartUpNamingPlaneAndFormats)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	int fds = openFdCount();
	{
		Pipeline p(vividConfig(CaptureConfig::Api::SinglePlanar, "YUYV"), vkms());
		auto ret = p.start();
		ASSERT_FALSE(ret.ok()) << "vkms 6.1 cannot scan out YUYV";
		const std::string &msg = ret.error().message;
		EXPECT_NE(msg.find("YUYV"), std::string::npos) << msg;
		EXPECT_NE(msg.find("plane"), std::string::npos) << msg;
		EXPECT_NE(msg.find("XRGB8888"), std::string::npos) << "what it supports: " << msg;
	}
	EXPECT_EQ(openFdCount(), fds) << "a refused start leaked fds";
}

TEST(VividToVkms, SizeWithoutAModeIsRefusedForAFullscreenPrimary)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	KmsSinkConfig display = vkms();
	display.mode.reset(); /* the mode of the frame's size: vkms has no 320x180 */
	Pipeline p(vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888", 320, 180), display);
	/* as the pipeline builder gives it */
	p.sink->setScalingAdvisor(scalingAdvice);
	auto ret = p.start();
	ASSERT_FALSE(ret.ok()) << "vkms cannot scale a 320x180 frame to a full screen";
	const std::string &msg = ret.error().message;
	EXPECT_NE(msg.find("320x180"), std::string::npos) << msg;
	/* and the ways out, the machine's own: vim2m reads no XRGB8888, so a
	 * gl-kms sink or a scale stage before the sink */
	EXPECT_NE(msg.find("What would scale XRGB8888 320x180 to "), std::string::npos) << msg;
	EXPECT_NE(msg.find("no mem2mem device on this machine reads XRGB8888 320x180"),
		  std::string::npos)
		<< msg;
	EXPECT_NE(msg.find("a gl-kms sink in place of this one"), std::string::npos) << msg;
	EXPECT_NE(msg.find("or [[stage]] type = \"scale\" width = "), std::string::npos) << msg;
}
