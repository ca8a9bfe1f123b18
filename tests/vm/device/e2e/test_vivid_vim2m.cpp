/* SPDX-License-Identifier: MIT */
/*
 * V4L2 mem2mem stages on Linux 6.1's vim2m: vivid's frames go into vim2m's
 * OUTPUT queue as the very dma-bufs vivid exported (V4L2_MEMORY_DMABUF),
 * vim2m converts and scales them into its CAPTURE buffers, which vkms scans
 * out. No CPU touches a pixel on the way: the tap before the stage is the
 * test's instrument (an analysis stage that keeps a copy of each captured
 * frame), and what vkms shows (its writeback) is compared with an
 * independent model of vim2m's conversion of that copy.
 */
#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alloc/dumb_allocator.h"
#include "drm/card.h"
#include "egl/gl_headless_sink.h"
#include "pipeline/stages/convert_stage.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"
#include "tests/vm/device/e2e/syscall_counter.h"
#include "v4l2/m2m_node.h"
#include "v4l2/m2m_stage.h"
#include "v4l2/v4l2_source.h"

using namespace primecam;
using namespace primecam::test;

namespace {

constexpr uint32_t kInWidth = 320, kInHeight = 180;   /* a vivid webcam size */
constexpr uint32_t kOutWidth = 640, kOutHeight = 480; /* vkms's mode: the primary covers it */

bool haveVim2m()
{
	return haveDevices() && openM2mNode("vim2m").ok();
}

/* vivid RGB24 (primecam's BGR888: bytes R, G, B) at 320x180, with room for
 * the frames the tap's worker and vim2m hold. */
CaptureConfig vividRgb24()
{
	CaptureConfig capture;
	capture.device = "vivid";
	capture.api = CaptureConfig::Api::SinglePlanar;
	capture.format = formatByName("BGR888");
	capture.width = kInWidth;
	capture.height = kInHeight;
	capture.fps = 25;
	capture.buffers = 8;
	return capture;
}

/* vim2m writing format at width x height. Its default transaction time is
 * 40 ms a frame, vivid's whole interval: 1 ms leaves the emulated host
 * time for everything else. */
M2mConfig vim2m(const char *format, uint32_t width, uint32_t height)
{
	M2mConfig config;
	config.device = "vim2m";
	config.format = formatByName(format);
	config.width = width;
	config.height = height;
	config.buffers = 4;
	config.controls = {{"Transaction Time (msec)", 1}};
	return config;
}

/*
 * vim2m's conversion of an RGB24 frame to RGB565 at another size, written
 * from the driver's code (drivers/media/test-drivers/vim2m.c in 6.1,
 * device_process and copy_two_pixels): rows by nearest neighbour (y_in = y *
 * h_in / h_out), columns in pairs stepped by a Bresenham accumulator over the
 * output width, each pixel packed as RGB565 by truncation. Its RGB565 writer
 * does not advance to the pair's second pixel (the loop stores *r, *g, *b
 * twice), so both pixels of a pair are the first one's colour: the device
 * test found that, and the model does what vim2m does. One uint16 a pixel.
 */
std::vector<uint16_t> vim2mModel(const std::vector<uint8_t> &in, uint32_t stride, uint32_t inW,
				 uint32_t inH, uint32_t outW, uint32_t outH)
{
	std::vector<uint16_t> out(size_t{outW} * outH);
	const uint32_t step = inW / outW, fract = inW % outW;
	auto pack = [&](const uint8_t *p) {
		return static_cast<uint16_t>(((p[0] << 8) & 0xf800) | ((p[1] << 3) & 0x07e0) |
					     (p[2] >> 3));
	};
	for (uint32_t y = 0; y < outH; ++y) {
		const uint8_t *line = &in[size_t{y * inH / outH} * stride];
		uint32_t offset = 0, err = 0, first = 0;
		auto advance = [&] {
			offset += step;
			err += fract;
			if (err > outW) {
				++offset;
				err -= outW;
			}
		};
		for (uint32_t x = 0; x < outW / 2; ++x) {
			advance(); /* the pair's second pixel: read, not written */
			out[size_t{y} * outW + 2 * x] = pack(line + first * 3);
			out[size_t{y} * outW + 2 * x + 1] = pack(line + first * 3);
			advance();
			first = offset;
		}
	}
	return out;
}

/*
 * The writeback (XRGB8888: B, G, R, X) against the model, in RGB565's own
 * precision: vkms expands each 5- or 6-bit channel to 16 bits and the
 * writeback keeps the top 8, which is within one 8-bit step of v * 255 / 31
 * (or / 63); rounding back to 5 or 6 bits tolerates half a step (4, or 2 for
 * green), so every pixel must match exactly there. Returns the mismatches.
 */
size_t compareRgb565(const Image &shown, const std::vector<uint16_t> &model, std::string *first,
		     const ScreenRect &at = {0, 0, kOutWidth, kOutHeight})
{
	size_t diffs = 0;
	for (uint32_t y = 0; y < at.height; ++y)
		for (uint32_t x = 0; x < at.width; ++x) {
			const uint8_t *p =
				&shown.data[size_t{y + at.y} * shown.stride + (x + at.x) * 4];
			uint16_t got = static_cast<uint16_t>(((p[2] * 31 + 127) / 255) << 11 |
							     ((p[1] * 63 + 127) / 255) << 5 |
							     ((p[0] * 31 + 127) / 255));
			uint16_t want = model[size_t{y} * at.width + x];
			if (got == want)
				continue;
			if (diffs++ == 0 && first)
				*first = "at " + std::to_string(x) + "," + std::to_string(y) +
					 ": shown 0x" + std::to_string(got) + ", model 0x" +
					 std::to_string(want);
		}
	return diffs;
}

/* vivid -> tap -> vim2m (RGB565 640x480) [-> more stages] -> vkms. */
struct M2mPipeline {
	ReferenceStage *tap = nullptr;
	std::vector<M2mStage *> m2m;
	std::unique_ptr<Pipeline> pipeline;

	/* before: stages between the tap and the m2m stages (a CPU stage). */
	explicit M2mPipeline(std::vector<M2mConfig> stages, const KmsSinkConfig &display = vkms(),
			     std::unique_ptr<Stage> before = nullptr,
			     CaptureConfig capture = vividRgb24())
	{
		std::vector<std::unique_ptr<Stage>> chain;
		auto t = std::make_unique<ReferenceStage>(16);
		tap = t.get();
		chain.push_back(std::move(t));
		if (before)
			chain.push_back(std::move(before));
		for (M2mConfig &config : stages) {
			auto s = std::make_unique<M2mStage>(std::move(config));
			m2m.push_back(s.get());
			chain.push_back(std::move(s));
		}
		pipeline = std::make_unique<Pipeline>(std::move(capture), display, std::nullopt,
						      std::move(chain));
	}
};

/*
 * What vkms shows at place (its writeback) is vim2m's conversion of the
 * captured frame on screen, at place's size: the model of the tap's copy.
 * The writeback image, for more checks; none after a failure.
 */
std::optional<Image> expectShowsVim2msFrame(M2mPipeline &m, const ScreenRect &place)
{
	Pipeline &p = *m.pipeline;
	Result<Image> image = p.sink->captureWriteback();
	if (!image.ok()) {
		ADD_FAILURE() << image.error().message;
		return std::nullopt;
	}
	if (!p.sink->activeFrame()) {
		ADD_FAILURE() << "no frame on screen";
		return std::nullopt;
	}
	const uint64_t shown = p.sink->activeFrame().metadata().sequence;
	const std::vector<uint8_t> *captured = m.tap->frame(shown);
	if (!captured) {
		ADD_FAILURE() << "frame " << shown << " no longer kept";
		return std::nullopt;
	}
	/* The model reads RGB24 (R, G, B); an XRGB8888 capture (B, G, R, X) is
	 * laid out so first. */
	std::vector<uint8_t> rgb24;
	uint32_t stride = m.tap->stride();
	if (stride >= kInWidth * 4) {
		rgb24.resize(size_t{kInWidth} * kInHeight * 3);
		for (uint32_t y = 0; y < kInHeight; ++y)
			for (uint32_t x = 0; x < kInWidth; ++x)
				for (uint32_t c = 0; c < 3; ++c)
					rgb24[(size_t{y} * kInWidth + x) * 3 + c] =
						(*captured)[size_t{y} * stride + x * 4 + 2 - c];
		captured = &rgb24;
		stride = kInWidth * 3;
	}
	std::vector<uint16_t> model =
		vim2mModel(*captured, stride, kInWidth, kInHeight, place.width, place.height);
	std::string first;
	EXPECT_EQ(compareRgb565(*image, model, &first, place), 0u)
		<< "frame " << shown << ": " << first;
	return std::move(*image);
}

} /* namespace */

TEST(VividVim2mVkms, Rgb24ScaledToRgb565ShowsVim2msConversionOfTheCapturedFrame)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	unsigned minor = Card::openByDriver("vkms")->minor();
	const int fdsBefore = openFdCount();
	{
		M2mPipeline m({vim2m("RGB565", kOutWidth, kOutHeight)});
		Pipeline &p = *m.pipeline;
		Result<void> started = p.start();
		ASSERT_TRUE(started.ok()) << started.error().message;
		EXPECT_NE(m.m2m[0]->describe().find("RGB3 320x180 -> RGB565 640x480"),
			  std::string::npos)
			<< m.m2m[0]->describe();
		ASSERT_TRUE(p.runTo(40)) << p.error();

		/* The steady state: nothing imported, exported, mapped or
		 * allocated per frame, on either side of the device. */
		SyscallCounts warm = syscallCounts();
		int fds = openFdCount(), fbs = framebufferCount(minor), maps = mappingCount();
		ASSERT_TRUE(p.runTo(140)) << p.error();
		SyscallCounts after = syscallCounts();
		EXPECT_EQ(after.expbuf, warm.expbuf) << "VIDIOC_EXPBUF per frame";
		EXPECT_EQ(after.reqbufs, warm.reqbufs) << "VIDIOC_REQBUFS per frame";
		EXPECT_EQ(after.primeImport, warm.primeImport) << "PRIME import per frame";
		EXPECT_EQ(after.addFb, warm.addFb) << "AddFB2 per frame";
		EXPECT_EQ(after.fileMmap, warm.fileMmap) << "mmap per frame";
		EXPECT_EQ(openFdCount(), fds);
		EXPECT_EQ(framebufferCount(minor), fbs);
		EXPECT_EQ(mappingCount(), maps);

		const PipelineStats &stats = p.engine->stats();
		const StageStats &stage = stats.stages.at(1);
		EXPECT_EQ(stats.copies(), 0u) << "a CPU copy on the way";
		EXPECT_EQ(stage.conversions, 0u) << "vim2m's work counted as a CPU conversion";
		EXPECT_EQ(stage.syncStarts, 0u) << "a CPU touch in the m2m stage";
		EXPECT_GT(stage.processed, 50u);
		EXPECT_EQ(stage.deviceConversions, stage.processed);
		EXPECT_EQ(stage.errors, 0u);
		EXPECT_EQ(stage.latency.count(), stage.processed);
		EXPECT_GE(stage.queueDepthMax, 1u);
		EXPECT_LE(stage.queueDepthMax, M2mStage::kInFlight);
		/* half: a rate the emulated display meets on a loaded host */
		EXPECT_GE(p.display().displayed * 2, stage.processed)
			<< p.display().displayed << " of " << stage.processed << " shown";

		expectShowsVim2msFrame(m, {0, 0, kOutWidth, kOutHeight});
		p.engine->stop();
	}
	EXPECT_EQ(openFdCount(), fdsBefore) << "fds left open after teardown";
}

/*
 * A board's usual case: a 16:9 camera on a 4:3 screen whose plane cannot
 * scale (vkms). vim2m scales the 320x180 frames to 640x360, the size `fit`
 * gives them on the 640x480 mode, so the overlay shows them unscaled at
 * 640x360+0+60 over the black primary: the bars above and below are the
 * background, the middle is vim2m's conversion of the frame on screen.
 */
TEST(VividVim2mVkms, FitsA16by9FrameOnA4by3ModeThroughAnOverlayWithVim2mScaling)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	const int fdsBefore = openFdCount();
	{
		M2mPipeline m({vim2m("RGB565", 640, 360)},
			      vkms(KmsSinkConfig::Plane::Overlay, KmsSinkConfig::Placement::Fit));
		Pipeline &p = *m.pipeline;
		Result<void> started = p.start();
		ASSERT_TRUE(started.ok()) << started.error().message;
		const KmsOutput &output = *p.sink->output();
		EXPECT_EQ(output.plane().type, KmsPlane::Type::Overlay);
		const ScreenRect place{0, 60, 640, 360};
		EXPECT_EQ(output.rect(), place) << output.rect().describe();
		EXPECT_FALSE(output.scales()) << "vim2m did the scaling, not the plane";
		ASSERT_TRUE(p.runTo(40)) << p.error();

		const PipelineStats &stats = p.engine->stats();
		EXPECT_EQ(stats.copies(), 0u) << "a CPU copy on the way";
		EXPECT_EQ(stats.stages.at(1).conversions, 0u);
		EXPECT_GT(stats.stages.at(1).deviceConversions, 0u);

		std::optional<Image> image = expectShowsVim2msFrame(m, place);
		ASSERT_TRUE(image);
		/* The bars: the black primary, every pixel of them. */
		size_t lit = 0;
		for (uint32_t y = 0; y < 480; y = y == 59 ? 420 : y + 1)
			for (uint32_t x = 0; x < 640; ++x) {
				const uint8_t *px = &image->data[size_t{y} * image->stride + x * 4];
				lit += (px[0] | px[1] | px[2]) != 0;
			}
		EXPECT_EQ(lit, 0u) << "pixels lit outside the fitted picture";
		p.engine->stop();
	}
	EXPECT_EQ(openFdCount(), fdsBefore) << "fds left open after teardown";
}

TEST(VividVim2mVkms, TwoVim2mStagesChain)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	/* RGB24 320x180 -> BGR24 640x360 -> RGB565 640x480: the second reads
	 * the first's exported CAPTURE buffers as its OUTPUT dma-bufs. */
	M2mPipeline m({vim2m("RGB888", 640, 360), vim2m("RGB565", kOutWidth, kOutHeight)});
	Pipeline &p = *m.pipeline;
	Result<void> started = p.start();
	ASSERT_TRUE(started.ok()) << started.error().message;
	ASSERT_TRUE(p.runTo(60)) << p.error();
	const PipelineStats &stats = p.engine->stats();
	EXPECT_EQ(stats.copies(), 0u);
	for (size_t i = 1; i <= 2; ++i) {
		const StageStats &stage = stats.stages.at(i);
		EXPECT_GT(stage.processed, 20u) << stage.name;
		EXPECT_EQ(stage.deviceConversions, stage.processed) << stage.name;
		EXPECT_EQ(stage.errors, 0u) << stage.name;
	}
	EXPECT_GT(p.display().displayed, 10u);

	/* The result keeps vivid's frame number through both devices; its
	 * picture: the model of both conversions (BGR24 back to RGB order). */
	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_TRUE(p.sink->activeFrame());
	uint64_t shown = p.sink->activeFrame().metadata().sequence;
	const std::vector<uint8_t> *captured = m.tap->frame(shown);
	ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";
	/* Stage 1 in the model: nearest rows, Bresenham columns, both pixels of
	 * a pair written (vim2m's BGR24 writer advances), bytes unchanged
	 * (RGB24 -> BGR24 swaps R and B and stage 2 swaps them back: the model
	 * keeps RGB). */
	std::vector<uint8_t> middle(size_t{640} * 360 * 3);
	{
		const uint32_t step = kInWidth / 640, fract = kInWidth % 640;
		for (uint32_t y = 0; y < 360; ++y) {
			const uint8_t *line =
				&(*captured)[size_t{y * kInHeight / 360} * m.tap->stride()];
			uint32_t offset = 0, err = 0, first = 0;
			auto advance = [&] {
				offset += step;
				err += fract;
				if (err > 640) {
					++offset;
					err -= 640;
				}
			};
			for (uint32_t x = 0; x < 320; ++x) {
				advance();
				uint32_t second = offset;
				std::memcpy(&middle[(size_t{y} * 640 + 2 * x) * 3],
					    line + first * 3, 3);
				std::memcpy(&middle[(size_t{y} * 640 + 2 * x + 1) * 3],
					    line + second * 3, 3);
				advance();
				first = offset;
			}
		}
	}
	std::vector<uint16_t> model = vim2mModel(middle, 640 * 3, 640, 360, kOutWidth, kOutHeight);
	std::string first;
	EXPECT_EQ(compareRgb565(*image, model, &first), 0u) << "frame " << shown << ": " << first;
	p.engine->stop();
}

/*
 * A CPU stage before the device: libyuv converts vivid's XRGB8888 to RGB565
 * into dumb buffers of vkms, which vim2m imports on its OUTPUT queue and
 * scales. The conversion truncates each channel as vim2m's RGB565 writer
 * does, and vim2m copies RGB565 to RGB565 without loss, so the screen is the
 * same model of the captured frame as for vim2m's own conversion.
 */
TEST(VividVim2mVkms, ACpuStageFeedsVim2m)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;
	/* What the pipeline builder gives a CPU stage before an m2m stage: 320
	 * RGB565 pixels are 640 bytes, which vim2m reads, where the pool would
	 * pad lines to 768 for scanout. */
	dumb->lineBytes = [](const PixelFormatInfo &format, uint32_t width, uint32_t height) {
		Result<M2mNode> node = openM2mNode("vim2m");
		return node ? node->outputLineBytes(format, width, height) : 0u;
	};
	CaptureConfig xrgb = vividRgb24();
	xrgb.format = formatByName("XRGB8888");
	M2mPipeline m({vim2m("RGB565", kOutWidth, kOutHeight)}, vkms(),
		      std::make_unique<ConvertStage>(*formatByName("RGB565"), YuvEncodingChoice{},
						     std::move(*dumb), 4),
		      xrgb);
	Pipeline &p = *m.pipeline;
	Result<void> started = p.start();
	ASSERT_TRUE(started.ok()) << started.error().message;
	ASSERT_TRUE(p.runTo(60)) << p.error();
	const PipelineStats &stats = p.engine->stats();
	EXPECT_EQ(stats.copies(), 0u);
	const StageStats &cpu = stats.stages.at(1), &device = stats.stages.at(2);
	EXPECT_EQ(cpu.conversions, cpu.processed) << "one CPU conversion per frame";
	EXPECT_GT(device.processed, 20u);
	EXPECT_EQ(device.deviceConversions, device.processed);
	EXPECT_EQ(device.conversions, 0u);
	EXPECT_EQ(device.errors, 0u);
	EXPECT_GT(p.display().displayed, 10u);
	expectShowsVim2msFrame(m, {0, 0, kOutWidth, kOutHeight});
	p.engine->stop();
}

/*
 * vim2m -> a CPU stage -> kms and gl-headless: vkms scans out RGB565 but GL
 * does not draw it, GL draws YUYV but vkms does not scan it out, and vim2m
 * writes no format both take; so vim2m writes YUYV at the display's size and
 * one libyuv conversion into vkms's own buffers feeds both sinks. vim2m says
 * its YUYV is BT.709 (its default colorspace) but computes it with BT.601
 * limited-range coefficients (vim2m.c, copy_two_pixels): the stage reads it
 * as written.
 */
TEST(VividVim2mVkms, FeedsACpuStageThatFansOutToKmsAndGlHeadless)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;
	auto loop = std::move(EventLoop::create()).value();
	std::vector<std::unique_ptr<Stage>> stages;
	stages.push_back(std::make_unique<M2mStage>(vim2m("YUYV", kOutWidth, kOutHeight)));
	YuvEncodingChoice bt601;
	bt601.matrix = YuvMatrix::Bt601;
	stages.push_back(std::make_unique<ConvertStage>(*formatByName("XRGB8888"), bt601,
							std::move(*dumb), 4));
	std::vector<std::unique_ptr<Sink>> sinks;
	auto kms = std::make_unique<KmsSink>(vkms());
	KmsSink *display = kms.get();
	sinks.push_back(std::move(kms));
	GlSinkConfig gl;
	gl.platform = GlSinkConfig::Platform::Gbm;
	gl.card = "vkms";
	sinks.push_back(std::make_unique<GlHeadlessSink>(gl));
	Engine engine(*loop, std::make_unique<V4l2Source>(vividRgb24()), std::move(stages),
		      std::move(sinks));
	Result<void> ok = engine.configure();
	if (ok)
		ok = engine.start();
	ASSERT_TRUE(ok) << ok.error().message;
	engine.setFrameLimit(60);
	auto watchdog = loop->addTimer(std::chrono::seconds(180), std::chrono::seconds(0),
				       [&] { loop->exit(2); });
	ASSERT_TRUE(watchdog.ok());
	ASSERT_EQ(loop->run(), 0) << (engine.error() ? engine.error()->message : "timeout");
	loop->cancelTimer(*watchdog);

	const PipelineStats &stats = engine.stats();
	EXPECT_EQ(stats.copies(), 0u);
	EXPECT_GT(stats.stages.at(0).deviceConversions, 20u);
	EXPECT_EQ(stats.stages.at(0).conversions, 0u);
	EXPECT_GT(stats.stages.at(1).conversions, 10u) << "the CPU stage saw vim2m's frames";
	ASSERT_EQ(stats.sinks.size(), 2u);
	/* Both saw every frame the CPU stage wrote, and each showed some. */
	for (const SinkStats &sink : stats.sinks) {
		EXPECT_EQ(sink.received, stats.stages[1].processed) << sink.name;
		EXPECT_GT(sink.displayed, 0u) << sink.name;
	}
	EXPECT_TRUE(display->activeFrame());
	engine.stop();
}

TEST(VividVim2mVkms, AFormatVim2mCannotWriteIsRefusedNamingWhatItWrites)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	const int fds = openFdCount();
	{
		M2mPipeline m({vim2m("NV12", kOutWidth, kOutHeight)});
		Result<void> ret = m.pipeline->start();
		ASSERT_FALSE(ret.ok()) << "vim2m writes no NV12";
		const std::string &msg = ret.error().message;
		EXPECT_NE(msg.find("(vim2m)"), std::string::npos) << msg;
		EXPECT_NE(msg.find("CAPTURE queue does not offer NV12"), std::string::npos) << msg;
		EXPECT_NE(msg.find("asked by the config"), std::string::npos) << msg;
		EXPECT_NE(msg.find("RGBP (RGB565)"), std::string::npos) << msg;
		EXPECT_EQ(ret.error().code, EINVAL);
	}
	EXPECT_EQ(openFdCount(), fds) << "fds left open after the refusal";
}

TEST(VividVim2mVkms, ASizeOutsideVim2msRangeIsRefusedWithTheRange)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	const int fds = openFdCount();
	{
		M2mPipeline m({vim2m("RGB565", 1280, 720)});
		Result<void> ret = m.pipeline->start();
		ASSERT_FALSE(ret.ok()) << "vim2m writes at most 640x480";
		const std::string &msg = ret.error().message;
		EXPECT_NE(msg.find("(vim2m)"), std::string::npos) << msg;
		EXPECT_NE(msg.find("does not take RGBP (RGB565) at 1280x720"), std::string::npos)
			<< msg;
		EXPECT_NE(msg.find("640x480"), std::string::npos) << "its range: " << msg;
	}
	EXPECT_EQ(openFdCount(), fds) << "fds left open after the refusal";
}

TEST(VividVim2mVkms, AnUpstreamFormatVim2mCannotReadIsRefused)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vivid, vkms and vim2m");
	const int fds = openFdCount();
	{
		CaptureConfig capture = vividRgb24();
		capture.format = formatByName("XRGB8888");
		std::vector<std::unique_ptr<Stage>> stages;
		stages.push_back(std::make_unique<M2mStage>(vim2m("RGB565", 640, 480)));
		Pipeline p(capture, vkms(), std::nullopt, std::move(stages));
		Result<void> ret = p.start();
		ASSERT_FALSE(ret.ok()) << "vim2m reads no XRGB8888";
		const std::string &msg = ret.error().message;
		EXPECT_NE(msg.find("OUTPUT queue does not offer"), std::string::npos) << msg;
		EXPECT_NE(msg.find("the frames from upstream"), std::string::npos) << msg;
		EXPECT_NE(msg.find("RGB3 (BGR888)"), std::string::npos) << "what it reads: " << msg;
	}
	EXPECT_EQ(openFdCount(), fds) << "fds left open after the refusal";
}

TEST(VividVim2mVkms, ListShowsVim2mWithItsFormatsAndSizes)
{
	PRIMECAM_NEED_DEVICE(haveVim2m(), "vim2m");
	std::string text = describeM2mNodes();
	EXPECT_NE(text.find("(vim2m)"), std::string::npos) << text;
	EXPECT_NE(text.find("reads (OUTPUT): RGBP 32x32 - 640x480"), std::string::npos) << text;
	EXPECT_NE(text.find("writes (CAPTURE):"), std::string::npos) << text;
	EXPECT_NE(text.find("YUYV"), std::string::npos) << text;
}
