/* SPDX-License-Identifier: MIT */
#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libv4l2.h>
#include <sys/ioctl.h>

#include "../device_test.h"
#include "../device_util.h"
#include "alloc/dma_heap_allocator.h"
#include "base/event_loop.h"
#include "base/pixel_format.h"
#include "bayer_only_formats.h"
#include "pipeline/stats.h"
#include "v4l2/libv4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

/*
 * memory = "libv4l2": libv4l2 emulates a format, and every frame is copied
 * into pool dma-bufs, counted.
 *
 * What vivid offers (6.1, checked by VividOffersTheEmulatedFormatsNatively):
 * its single-planar capture node lists Bayer SBGGR8 'BA81' (and the other
 * Bayer orders) AND every format libv4lconvert emulates: RGB24 'RGB3', BGR24
 * 'BGR3', YUV420 'YU12', YVU420 'YV12'. libv4lconvert ranks a native format
 * above any conversion, so asking libv4l2 for BGR24 on a plain vivid passes
 * vivid's BGR3 through (PassesVividsNativeBgr24ThroughAndStillCopies). To
 * test the Bayer conversion the device test hides vivid's other formats from
 * libv4lconvert (BayerOnlyFormats): libv4l2 then sets vivid itself to BA81
 * and debayers every frame to BGR24 (ConvertsVividBayerToBgr24...).
 */

namespace {

using Api = CaptureConfig::Api;

CaptureConfig libv4l2Config(const char *format)
{
	CaptureConfig config = vividConfig(Api::Auto, format);
	config.memory = CaptureConfig::Memory::Libv4l2;
	config.pool = CaptureConfig::Pool::DmaHeap;
	return config;
}

/* The exporter of a dma-buf, from /proc/self/fdinfo ("system" for the
 * system dma-heap); empty when fd is not a dma-buf. */
std::string exporterOf(int fd)
{
	std::ifstream info("/proc/self/fdinfo/" + std::to_string(fd));
	std::string line;
	while (std::getline(info, line)) {
		if (line.rfind("exp_name:", 0) == 0) {
			size_t start = line.find_first_not_of(" \t", 9);
			return start == std::string::npos ? "" : line.substr(start);
		}
	}
	return "";
}

/* What a run saw. */
struct Libv4l2Run {
	int code = 0;
	uint64_t frames = 0; /* FrameRefs the source handed out */
	unsigned redelivered = 0;
	std::optional<Error> error;
	PipelineStats stats;
	/* Frames still held, as a display keeps its queue; the newest last. */
	std::deque<FrameRef> held;
};

/*
 * Streams until stop(run) says so (after each frame), an error, or timeoutS,
 * keeping the newest `depth` frames held (a display's queue). A buffer the
 * source hands out again while it is held is counted as redelivered. Leaves
 * the source streaming.
 */
void runLibv4l2(EventLoop &loop, Libv4l2Source &source, Libv4l2Run &run, size_t depth,
		std::function<bool(const Libv4l2Run &)> done, int timeoutS = 60)
{
	/* The handlers stay with the source after this returns (a test may
	 * dispatch the loop itself): what they use outlives it or is theirs. */
	Result<void> ret = source.start(
		loop, run.stats,
		[&run, &loop, depth, done = std::move(done)](FrameRef frame) {
			++run.frames;
			for (const FrameRef &h : run.held)
				run.redelivered += h.buffer().index == frame.buffer().index;
			run.held.push_back(std::move(frame));
			while (run.held.size() > depth)
				run.held.pop_front();
			if (done(run))
				loop.exit(0);
		},
		[&run, &loop](const Error &error) {
			if (!run.error)
				run.error = error;
			loop.exit(1);
		});
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	bool timedOut = false;
	auto timer = loop.addTimer(std::chrono::seconds(timeoutS), std::chrono::seconds(0), [&] {
		timedOut = true;
		loop.exit(-ETIMEDOUT);
	});
	ASSERT_TRUE(timer.ok()) << timer.error().message;
	run.code = loop.run();
	if (!timedOut)
		loop.cancelTimer(*timer);
}

bool hasFormat(const std::vector<FormatDescription> &formats, uint32_t fourcc)
{
	return std::any_of(formats.begin(), formats.end(),
			   [&](const FormatDescription &f) { return f.fourcc == fourcc; });
}

} /* namespace */

/* The finding the rest of this file rests on, checked so that a kernel where
 * it changes says so. */
TEST(Libv4l2Source, VividOffersTheEmulatedFormatsNatively)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");
	Result<VideoDevice> dev = VideoDevice::open(node);
	ASSERT_TRUE(dev.ok()) << dev.error().message;
	Result<std::vector<FormatDescription>> formats = dev->enumFormats();
	ASSERT_TRUE(formats.ok()) << formats.error().message;
	EXPECT_TRUE(hasFormat(*formats, V4L2_PIX_FMT_SBGGR8)) << "Bayer BA81";
	EXPECT_TRUE(hasFormat(*formats, V4L2_PIX_FMT_BGR24)) << "BGR3";
	EXPECT_TRUE(hasFormat(*formats, V4L2_PIX_FMT_RGB24)) << "RGB3";
	EXPECT_TRUE(hasFormat(*formats, V4L2_PIX_FMT_YUV420)) << "YU12";
	EXPECT_TRUE(hasFormat(*formats, V4L2_PIX_FMT_YVU420)) << "YV12";
}

/*
 * The real thing: vivid set to Bayer BA81 by libv4l2, libv4lconvert
 * debayering each frame to BGR24, primecam copying each into a dma-heap
 * buffer. Every delivered frame is one counted copy; the pixels are vivid's
 * colour bars after debayering.
 */
TEST(Libv4l2Source, ConvertsVividBayerToBgr24IntoDmaHeapBuffers)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");
	/* Before the allocator: its dma-heap fd goes with the source. */
	const int fdsBefore = openFdCount();
	const int mapsBefore = mappingCount();
	auto allocator = makeDmaHeapAllocator();
	PRIMECAM_NEED_DEVICE(allocator.ok(), "the system dma-heap");
	{
		auto loop = EventLoop::create();
		ASSERT_TRUE(loop.ok()) << loop.error().message;
		/* V4L2 BGR3 (bytes B,G,R) is DRM RGB888. */
		Libv4l2Source source(libv4l2Config("BGR3"), std::move(*allocator));
		{
			const uint64_t answeredBefore = BayerOnlyFormats::answered();
			BayerOnlyFormats bayerOnly;
			Result<void> ok = source.configure();
			ASSERT_TRUE(ok.ok()) << ok.error().message;
			ASSERT_GT(BayerOnlyFormats::answered(), answeredBefore)
				<< "libv4lconvert did not enumerate through syscall(): the seam "
				   "is not bound (is syscall exported from the test binary?)";
		}

		/* libv4l2 answers with the emulated format; the device itself
		 * (a plain ioctl on the same fd) was set to Bayer. */
		v4l2_format emulated = {};
		emulated.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		ASSERT_EQ(v4l2_ioctl(source.fd(), VIDIOC_G_FMT, &emulated), 0);
		EXPECT_EQ(fourccToString(emulated.fmt.pix.pixelformat), "BGR3");
		EXPECT_EQ(emulated.fmt.pix.width, 640u);
		EXPECT_EQ(emulated.fmt.pix.height, 480u);
		v4l2_format native = {};
		native.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		ASSERT_EQ(::ioctl(source.fd(), VIDIOC_G_FMT, &native), 0);
		EXPECT_EQ(fourccToString(native.fmt.pix.pixelformat), "BA81");
		EXPECT_EQ(fourccToString(source.deviceFourcc()), "BA81");
		EXPECT_TRUE(source.isConverting());
		EXPECT_NE(source.describe().find("RGB888 640x480 converted from BA81 (SBGGR8)"),
			  std::string::npos)
			<< source.describe();
		EXPECT_NE(source.describe().find(std::string(Libv4l2Source::kCopyNote)),
			  std::string::npos)
			<< source.describe();
		ASSERT_EQ(source.notes().size(), 1u);
		EXPECT_EQ(source.notes()[0], Libv4l2Source::kCopyNote);

		/* Pool buffers: dma-bufs from the system heap, laid out with
		 * libv4l2's own bytesperline and sizeimage. */
		ASSERT_EQ(source.buffers().size(), 4u);
		std::vector<BufferId> ids;
		for (const FrameBuffer &fb : source.buffers()) {
			ASSERT_EQ(fb.numPlanes, 1u);
			ASSERT_EQ(fb.numMemoryPlanes, 1u);
			EXPECT_EQ(fb.format->name, "RGB888");
			EXPECT_EQ(fb.planes[0].stride, emulated.fmt.pix.bytesperline);
			EXPECT_EQ(fb.planes[0].offset, 0u);
			EXPECT_TRUE(fb.memory[0]->isDmaBuf());
			EXPECT_GE(fb.memory[0]->size(), emulated.fmt.pix.sizeimage);
			EXPECT_EQ(exporterOf(fb.memory[0]->fd()), "system")
				<< "pool buffer " << fb.index << " is not from the system dma-heap";
			ids.push_back(fb.memory[0]->id());
		}
		std::sort(ids.begin(), ids.end());
		EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());

		Libv4l2Run run;
		runLibv4l2(**loop, source, run, 2,
			   [](const Libv4l2Run &r) { return r.frames >= 30; });
		if (HasFatalFailure())
			return;
		ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "timeout");
		EXPECT_GE(run.frames, 30u);
		EXPECT_EQ(run.stats.sourceCopies, run.frames)
			<< "every delivered frame is one counted copy";
		EXPECT_EQ(run.stats.copies(), run.frames);
		EXPECT_EQ(run.stats.captureErrors, 0u);
		EXPECT_EQ(run.redelivered, 0u) << "a pool buffer was refilled while a sink held it";
		/* Two held, four in the pool: one is always free. */
		EXPECT_EQ(run.stats.sourceDropped, 0u);

		/* The newest frame: vivid's 75% colour bars, debayered. White
		 * is the first eighth of a row, black the last. */
		const FrameBuffer &fb = run.held.back().buffer();
		std::vector<uint8_t> bytes = readPlane(fb, 0);
		ASSERT_GE(bytes.size(), size_t{emulated.fmt.pix.sizeimage});
		EXPECT_NE(std::count(bytes.begin(), bytes.begin() + emulated.fmt.pix.sizeimage, 0),
			  static_cast<long>(emulated.fmt.pix.sizeimage))
			<< "the image is all zeros";
		const uint8_t *row = bytes.data() + fb.planes[0].stride * (fb.height / 2);
		const uint8_t *white = row + 3 * (fb.width / 16);
		const uint8_t *black = row + 3 * (fb.width * 15 / 16);
		for (int c = 0; c < 3; ++c) {
			EXPECT_GT(white[c], 150) << "white bar channel " << c;
			EXPECT_LT(black[c], 40) << "black bar channel " << c;
		}

		run.held.clear();
		source.stop();
		EXPECT_FALSE(source.isStreaming());
	}
	EXPECT_EQ(openFdCount(), fdsBefore) << "fds left open after teardown";
	EXPECT_EQ(mappingCount(), mapsBefore) << "mappings left after teardown";
}

/* Without the seam libv4l2 finds BGR3 on vivid itself and converts nothing,
 * and the frames are still copied into the pool: copied, counted, said. */
TEST(Libv4l2Source, PassesVividsNativeBgr24ThroughAndStillCopies)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");
	/* Before the allocator: its dma-heap fd goes with the source. */
	const int fdsBefore = openFdCount();
	auto allocator = makeDmaHeapAllocator();
	PRIMECAM_NEED_DEVICE(allocator.ok(), "the system dma-heap");
	{
		auto loop = EventLoop::create();
		ASSERT_TRUE(loop.ok()) << loop.error().message;
		Libv4l2Source source(libv4l2Config("BGR3"), std::move(*allocator));
		Result<void> ok = source.configure();
		ASSERT_TRUE(ok.ok()) << ok.error().message;
		EXPECT_EQ(fourccToString(source.deviceFourcc()), "BGR3");
		EXPECT_FALSE(source.isConverting());
		EXPECT_NE(source.describe().find("passed through unconverted"), std::string::npos)
			<< source.describe();

		Libv4l2Run run;
		runLibv4l2(**loop, source, run, 1,
			   [](const Libv4l2Run &r) { return r.frames >= 10; });
		if (HasFatalFailure())
			return;
		ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "timeout");
		EXPECT_EQ(run.stats.sourceCopies, run.frames);
		EXPECT_GE(run.frames, 10u);
		run.held.clear();
	}
	EXPECT_EQ(openFdCount(), fdsBefore) << "fds left open after teardown";
}

/* Sinks that keep every pool buffer: later frames find none free and are
 * dropped and counted, never copied over a held buffer. */
TEST(Libv4l2Source, DropsAndCountsFramesWhenSinksHoldEveryPoolBuffer)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");
	auto allocator = makeDmaHeapAllocator();
	PRIMECAM_NEED_DEVICE(allocator.ok(), "the system dma-heap");

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok()) << loop.error().message;
	CaptureConfig config = libv4l2Config("BGR3");
	config.buffers = 3;
	Libv4l2Source source(config, std::move(*allocator));
	Result<void> ok = source.configure();
	ASSERT_TRUE(ok.ok()) << ok.error().message;

	Libv4l2Run run;
	/*
	 * Holding all three, no frame comes after the third: the run ends
	 * when the source has counted a drop (polled, as a drop delivers
	 * nothing), however long the emulated camera takes to get there; a
	 * fixed short run could end before the fourth frame was captured.
	 */
	auto poll = (*loop)->addTimer(std::chrono::milliseconds(50), std::chrono::milliseconds(50),
				      [&] {
					      if (run.stats.sourceDropped > 0)
						      (*loop)->exit(0);
				      });
	ASSERT_TRUE(poll.ok()) << poll.error().message;
	runLibv4l2(**loop, source, run, 3, [](const Libv4l2Run &) { return false; });
	(*loop)->cancelTimer(*poll);
	if (HasFatalFailure())
		return;
	EXPECT_EQ(run.code, 0) << (run.error ? run.error->message : "no drop counted in 60 s");
	EXPECT_EQ(run.frames, 3u) << "one frame per pool buffer, then none";
	EXPECT_EQ(run.stats.sourceCopies, 3u);
	EXPECT_GT(run.stats.sourceDropped, 0u);
	EXPECT_EQ(run.redelivered, 0u);

	/* Letting one go makes room for the next frame. */
	run.held.pop_front();
	const uint64_t before = run.frames;
	bool timedOut = false;
	auto timer = (*loop)->addTimer(std::chrono::seconds(30), std::chrono::seconds(0), [&] {
		timedOut = true;
		(*loop)->exit(-ETIMEDOUT);
	});
	ASSERT_TRUE(timer.ok());
	while (run.frames == before && !timedOut && !run.error)
		(*loop)->dispatch(-1);
	if (!timedOut)
		(*loop)->cancelTimer(*timer);
	EXPECT_EQ(run.frames, before + 1);
	EXPECT_EQ(run.stats.sourceCopies, before + 1);
	run.held.clear();
	source.stop();
}

/* A fatal streaming error under libv4l2 (EIO through v4l2_ioctl) is
 * restarted as for a plain V4L2 source, and the copies go on. */
TEST(Libv4l2Source, FatalStreamingErrorIsRestarted)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");
	auto allocator = makeDmaHeapAllocator();
	PRIMECAM_NEED_DEVICE(allocator.ok(), "the system dma-heap");
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok()) << loop.error().message;
	Libv4l2Source source(libv4l2Config("BGR3"), std::move(*allocator));
	Result<void> ok = source.configure();
	ASSERT_TRUE(ok.ok()) << ok.error().message;

	Libv4l2Run run;
	uint64_t framesAtError = 0;
	runLibv4l2(**loop, source, run, 1, [&](const Libv4l2Run &r) {
		if (r.frames == 5) {
			framesAtError = r.frames;
			Result<void> pressed =
				test::setDeviceControl(node, "Inject Fatal Streaming Error", 1);
			EXPECT_TRUE(pressed.ok()) << pressed.error().message;
		}
		return !r.stats.restarts.empty() && r.frames >= framesAtError + 10;
	});
	if (HasFatalFailure())
		return;
	ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "timeout");
	ASSERT_EQ(run.stats.restarts.size(), 1u);
	EXPECT_EQ(run.stats.restarts.begin()->second, 1u);
	EXPECT_EQ(run.stats.sourceCopies, run.frames);
	run.held.clear();
	source.stop();
}
