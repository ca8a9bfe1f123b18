/* SPDX-License-Identifier: MIT */
/*
 * vivid -> gl-headless (and -> kms at once) on real drivers: EGL on GBM over
 * vkms with Mesa's llvmpipe (kms_swrast). What the FBO holds is checked
 * against what vivid captured: byte for byte for RGB, within 2 levels of
 * libyuv's conversion for YUV. llvmpipe under emulation is slow (seconds for
 * eglInitialize and each shader's first draw), so runs are tens of frames.
 */
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "alloc/dumb_allocator.h"
#include "egl/egl_display.h"
#include "egl/frame_renderer.h"
#include "egl/gl_headless_sink.h"
#include "pipeline/stages/image_convert.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"
#include "tests/vm/device/egl/yuv_check.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"

using namespace primecam;
using namespace primecam::test;
using namespace std::chrono_literals;

namespace {

CaptureConfig vivid(const char *format, bool dumbPool)
{
	CaptureConfig capture;
	capture.device = "vivid";
	capture.api = CaptureConfig::Api::SinglePlanar;
	capture.format = formatByName(format);
	capture.width = 640;
	capture.height = 480;
	capture.fps = 25;
	capture.buffers = 4;
	capture.controls.emplace_back("Timestamp Source", 1);
	if (dumbPool) {
		capture.memory = CaptureConfig::Memory::Dmabuf;
		capture.pool = CaptureConfig::Pool::Dumb;
		capture.poolCard = "vkms";
	}
	return capture;
}

GlSinkConfig glOnVkms()
{
	GlSinkConfig config;
	config.platform = GlSinkConfig::Platform::Gbm;
	config.card = "vkms";
	return config;
}

/* vivid -> tap -> the given sinks, on one loop. */
struct GlPipeline {
	std::unique_ptr<EventLoop> loop;
	std::unique_ptr<Engine> engine;
	ReferenceStage *tap = nullptr;
	GlHeadlessSink *gl = nullptr;
	KmsSink *kms = nullptr;

	GlPipeline(const CaptureConfig &capture, bool withKms = false,
		   GlSinkConfig glConfig = glOnVkms())
	{
		loop = std::move(EventLoop::create()).value();
		std::optional<BufferAllocator> allocator;
		if (capture.memory == CaptureConfig::Memory::Dmabuf)
			allocator = std::move(makeDumbAllocator("vkms")).value();
		std::vector<std::unique_ptr<Stage>> stages;
		/* GL under emulation draws one frame in 4 or 5 captured, and
		 * on a loaded host the frame drawn was 35 captures old: room
		 * for the frame in flight when capture stops. */
		auto t = std::make_unique<ReferenceStage>(64);
		tap = t.get();
		stages.push_back(std::move(t));
		std::vector<std::unique_ptr<Sink>> sinks;
		if (withKms) {
			auto k = std::make_unique<KmsSink>(test::vkms());
			kms = k.get();
			sinks.push_back(std::move(k));
		}
		auto g = std::make_unique<GlHeadlessSink>(glConfig);
		gl = g.get();
		sinks.push_back(std::move(g));
		engine = std::make_unique<Engine>(
			*loop, std::make_unique<V4l2Source>(capture, std::move(allocator)),
			std::move(stages), std::move(sinks));
	}
	Result<void> start()
	{
		Result<void> ret = engine->configure();
		return ret ? engine->start() : ret;
	}
	bool runTo(uint64_t frames)
	{
		engine->setFrameLimit(frames);
		bool timedOut = false;
		auto watchdog = loop->addTimer(120s, 0s, [&] {
			timedOut = true;
			loop->exit(2);
		});
		int code = loop->run();
		if (!timedOut && watchdog)
			loop->cancelTimer(*watchdog);
		return code == 0 && !timedOut;
	}
	std::string error() const
	{
		return engine->error() ? engine->error()->message : std::string("(no error)");
	}
	const SinkStats &glStats() const { return engine->stats().sinks.back(); }
};

bool haveGlDevices()
{
	return haveDevices();
}

/* GL output (R, G, B, X) against captured XRGB8888 (B, G, R, X): exact. */
size_t compareRgb(const Image &gl, const ImageView &captured, std::string *first)
{
	size_t diffs = 0;
	for (uint32_t y = 0; y < captured.height; ++y) {
		for (uint32_t x = 0; x < captured.width; ++x) {
			const uint8_t *g = gl.data.data() + y * gl.stride + x * 4;
			const uint8_t *c =
				captured.planes[0].data + y * captured.planes[0].stride + x * 4;
			if (g[0] != c[2] || g[1] != c[1] || g[2] != c[0]) {
				if (!diffs++ && first)
					*first = "(" + std::to_string(x) + "," + std::to_string(y) +
						 ")";
			}
		}
	}
	return diffs;
}

/* Stops the pipeline (the frame in flight finishes) and reads the FBO. */
void readBack(GlPipeline &p, Image &image, std::optional<ImageView> &captured)
{
	p.engine->stop();
	Result<Image> read = p.gl->readPixels();
	ASSERT_TRUE(read) << read.error().message;
	image = std::move(*read);
	uint64_t shown = p.gl->lastSequence();
	captured = p.tap->view(shown);
	ASSERT_TRUE(captured) << "frame " << shown << " no longer kept";
}

TEST(GlDisplay, GbmOnVkmsAndSurfacelessOfferDmaBufImport)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	Result<std::unique_ptr<EglDisplay>> gbm =
		EglDisplay::open(EglDisplay::Platform::Gbm, "vkms");
	ASSERT_TRUE(gbm) << gbm.error().message;
	const EglCaps &caps = (*gbm)->caps();
	RecordProperty("gbm", (*gbm)->summary());
	printf("%s\n", (*gbm)->summary().c_str());
	EXPECT_TRUE(caps.dmaBufImport);
	EXPECT_TRUE(caps.dmaBufModifiers);
	/* Mesa 22.3 in the VM: kms_swrast over the card, llvmpipe renders */
	EXPECT_TRUE(caps.softwareRenderer) << caps.renderer;
	EXPECT_EQ((*gbm)->card().driver(), "vkms");
	gbm->reset();

	Result<std::unique_ptr<EglDisplay>> surfaceless =
		EglDisplay::open(EglDisplay::Platform::Surfaceless, "");
	ASSERT_TRUE(surfaceless) << surfaceless.error().message;
	printf("%s\n", (*surfaceless)->summary().c_str());
	EXPECT_TRUE((*surfaceless)->caps().dmaBufImport);
}

TEST(GlHeadless, Xrgb8888InVkmsDumbBuffersIsImportedOnceAndDrawnExactly)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	GlPipeline p(vivid("XRGB8888", true));
	{
		Result<void> started = p.start();
		ASSERT_TRUE(started) << started.error().message;
	}
	EXPECT_FALSE(p.gl->renderer()->uploading()) << p.gl->renderer()->pathNote();
	/* 300 frames: EGLImages are made at configure, never per frame */
	ASSERT_TRUE(p.runTo(300)) << p.error();

	const SinkStats &stats = p.glStats();
	EXPECT_GE(stats.displayed, 3u);
	EXPECT_EQ(stats.copies, 0u);
	EXPECT_EQ(p.engine->stats().copies(), 0u);
	/* one EGLImage per buffer, made at configure, none per frame */
	EXPECT_EQ(p.gl->renderer()->imagesCreated(), 4u);
	EXPECT_EQ(p.gl->renderer()->imageCount(), 4u);
	printf("gl-headless XRGB8888 zero-copy: %llu received, %llu drawn, %llu dropped\n",
	       static_cast<unsigned long long>(stats.received),
	       static_cast<unsigned long long>(stats.displayed),
	       static_cast<unsigned long long>(stats.droppedTotal()));

	Image image;
	std::optional<ImageView> captured;
	readBack(p, image, captured);
	if (HasFatalFailure())
		return;
	std::string first;
	EXPECT_EQ(compareRgb(image, *captured, &first), 0u) << "first difference at " << first;
}

/* One YUV run: vivid -> gl-headless, the FBO checked against the standard
 * and libyuv. */
struct YuvRun {
	const char *format;
	bool dumbPool = true; /* captured into vkms's buffers: imported */
	GlSinkConfig gl = glOnVkms();
	/* vivid controls, e.g. its colorimetry; reset to 0 afterwards */
	std::vector<std::pair<std::string, int64_t>> controls = {};
	uint64_t frames = 40;
	YuvEncoding expect = {}; /* what the frames must say */
};

/* vivid keeps control values across opens: put back what a test changed,
 * so that later tests see vivid's defaults. */
struct VividControlsReset {
	std::vector<std::pair<std::string, int64_t>> controls;
	~VividControlsReset()
	{
		if (controls.empty())
			return;
		Result<VideoDevice> device =
			VideoDevice::open(vividNode(CaptureConfig::Api::SinglePlanar));
		if (!device) {
			ADD_FAILURE() << device.error().message;
			return;
		}
		for (const auto &[name, value] : controls) {
			Result<void> reset = device->setControl(name, 0);
			EXPECT_TRUE(reset) << reset.error().message;
		}
	}
};

void yuvTest(const YuvRun &run)
{
	SCOPED_TRACE(run.format);
	CaptureConfig capture = vivid(run.format, run.dumbPool);
	for (const auto &control : run.controls)
		capture.controls.push_back(control);
	VividControlsReset reset{run.controls};
	GlPipeline p(capture, false, run.gl);
	{
		Result<void> started = p.start();
		ASSERT_TRUE(started) << started.error().message;
	}
	const FrameRenderer &renderer = *p.gl->renderer();
	printf("%s: %s\n", run.format, renderer.pathNote().c_str());
	EXPECT_EQ(renderer.uploading(), !run.dumbPool) << renderer.pathNote();
	EXPECT_EQ(renderer.encoding(), run.expect) << "read as " << describe(renderer.encoding())
						   << ", expected " << describe(run.expect);
	ASSERT_TRUE(p.runTo(run.frames)) << p.error();
	Image image;
	std::optional<ImageView> captured;
	readBack(p, image, captured);
	if (::testing::Test::HasFatalFailure())
		return;
	/* after stop(): the frame in flight is counted as drawn; llvmpipe
	 * under emulation draws about one frame in five captured, and on a
	 * loaded host fewer: a frame drawn is the bound, not a rate */
	const SinkStats &stats = p.glStats();
	EXPECT_GE(stats.displayed, 1u);
	EXPECT_EQ(stats.displayed + stats.droppedTotal(), stats.received)
		<< "a frame the sink took was neither drawn nor counted as dropped";
	if (run.dumbPool) {
		EXPECT_EQ(stats.copies, 0u);
		/* one image per plane (an R8 or GR88 image each), or one
		 * image of the frame's own format for the driver to convert */
		uint64_t perBuffer = run.gl.texture == GlSinkConfig::Texture::External
					     ? 1
					     : captured->format->numPlanes;
		EXPECT_EQ(renderer.imagesCreated(), 4 * perBuffer);
	} else {
		EXPECT_EQ(stats.copies, stats.displayed);
	}

	YuvCheck check = compareYuv(image, *captured, run.expect);
	if (check.libyuv)
		printf("%s %s %s: max |GL - formula| %d; max |GL - libyuv| R,G %d, B %d\n",
		       run.format, run.dumbPool ? "imported" : "uploaded",
		       describe(run.expect).c_str(), check.maxVsFormula, check.maxRedGreenVsLibyuv,
		       check.maxBlueVsLibyuv);
	else
		printf("%s %s %s: max |GL - formula| %d (libyuv has no such conversion)\n",
		       run.format, run.dumbPool ? "imported" : "uploaded",
		       describe(run.expect).c_str(), check.maxVsFormula);
	EXPECT_EQ(check.overTolerance, 0u) << check.first;
}

TEST(GlHeadless, YuyvInVkmsDumbBuffersMatchesLibyuvsConversion)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	yuvTest({"YUYV"});
}

TEST(GlHeadless, Nv12InVkmsDumbBuffersMatchesLibyuvsConversion)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	yuvTest({"NV12"});
}

TEST(GlHeadless, ForeignYuyvBuffersAreUploadedCountedAndStillRight)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	yuvTest({.format = "YUYV", .dumbPool = false});
}

/*
 * Every other YUV layout the shader reads, imported from vkms's buffers:
 * packed 4:2:2 in another byte order, semi-planar with Cr first and with
 * 4:2:2 chroma, planar 4:2:0 (both plane orders) and 4:2:2. Short runs:
 * what is checked is the drawn frame, not the stream.
 */
class GlHeadlessLayout : public ::testing::TestWithParam<const char *>
{};

TEST_P(GlHeadlessLayout, MatchesTheStandardAndLibyuv)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	yuvTest({.format = GetParam(), .frames = 30});
}

INSTANTIATE_TEST_SUITE_P(Vivid, GlHeadlessLayout,
			 ::testing::Values("UYVY", "YVYU", "NV21", "NV16", "YUV420", "YVU420",
					   "YUV422"),
			 [](const auto &param) { return std::string(param.param); });

/*
 * The matrix and range come from the frames: vivid set to BT.709, full
 * range reports it in its format (ycbcr_enc, quantization) and draws its
 * test pattern with it; the shader must read it the same way.
 */
TEST(GlHeadless, Bt709FullRangeIsReadFromVividsColorimetry)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	yuvTest({.format = "NV12",
		 .controls = {{"Y'CbCr Encoding", V4L2_YCBCR_ENC_709},
			      {"Quantization", V4L2_QUANTIZATION_FULL_RANGE}},
		 .expect = {YuvMatrix::Bt709, YuvRange::Full}});
}

/* A config's matrix wins over the frames' (a device that misreports). */
TEST(GlHeadless, ConfigMatrixOverridesTheFrames)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	GlSinkConfig gl = glOnVkms();
	gl.encoding.matrix = YuvMatrix::Bt709;
	yuvTest({.format = "YUV420",
		 .gl = gl,
		 .frames = 30,
		 .expect = {YuvMatrix::Bt709, YuvRange::Limited}});
}

/*
 * GL_TEXTURE_EXTERNAL_OES: RGB sampled exactly; YUV imported as one image
 * of its own fourcc with the colour-space and range hints, converted by
 * the driver (Mesa lowers it in the shader), within the same tolerance.
 */
TEST(GlHeadless, ExternalOesTexturesDrawRgbExactly)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	GlSinkConfig gl = glOnVkms();
	gl.texture = GlSinkConfig::Texture::External;
	GlPipeline p(vivid("XRGB8888", true), false, gl);
	{
		Result<void> started = p.start();
		ASSERT_TRUE(started) << started.error().message;
	}
	EXPECT_NE(p.gl->renderer()->pathNote().find("GL_TEXTURE_EXTERNAL_OES"), std::string::npos)
		<< p.gl->renderer()->pathNote();
	ASSERT_TRUE(p.runTo(20)) << p.error();
	EXPECT_EQ(p.gl->renderer()->imagesCreated(), 4u);
	EXPECT_EQ(p.glStats().copies, 0u);
	Image image;
	std::optional<ImageView> captured;
	readBack(p, image, captured);
	if (HasFatalFailure())
		return;
	std::string first;
	EXPECT_EQ(compareRgb(image, *captured, &first), 0u) << "first difference at " << first;
}

TEST(GlHeadless, ExternalOesYuyvIsConvertedByTheDriver)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	GlSinkConfig gl = glOnVkms();
	gl.texture = GlSinkConfig::Texture::External;
	yuvTest({.format = "YUYV", .gl = gl, .frames = 30});
}

/* The configure-time refusals of texture = "external" on llvmpipe. */
Result<void> startExternal(const char *format,
			   std::vector<std::pair<std::string, int64_t>> controls = {})
{
	GlSinkConfig gl = glOnVkms();
	gl.texture = GlSinkConfig::Texture::External;
	CaptureConfig capture = vivid(format, true);
	capture.controls.insert(capture.controls.end(), controls.begin(), controls.end());
	VividControlsReset reset{controls};
	GlPipeline p(capture, false, gl);
	return p.start();
}

/*
 * llvmpipe ignores EGL_YUV_COLOR_SPACE_HINT_EXT and EGL_SAMPLE_RANGE_HINT_EXT
 * (it read BT.709 full YUYV as BT.601 limited): frames in another encoding
 * are refused, not shown in wrong colours.
 */
TEST(GlHeadless, ExternalOesRefusesEncodingsTheSoftwareRasterizerIgnores)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	Result<void> started =
		startExternal("YUYV", {{"Y'CbCr Encoding", V4L2_YCBCR_ENC_709},
				       {"Quantization", V4L2_QUANTIZATION_FULL_RANGE}});
	ASSERT_FALSE(started);
	EXPECT_EQ(started.error().code, ENOTSUP);
	EXPECT_NE(started.error().message.find("ignores EGL's colour-space hints and reads "
					       "external YUV as bt601 limited, but these YUYV "
					       "frames are bt709 full"),
		  std::string::npos)
		<< started.error().message;
}

/* llvmpipe samples multi-plane YUV external images as black, silently:
 * the sink must refuse, naming the way that works. */
TEST(GlHeadless, ExternalOesNv12IsRefusedOnTheSoftwareRasterizer)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	Result<void> started = startExternal("NV12");
	ASSERT_FALSE(started);
	EXPECT_EQ(started.error().code, ENOTSUP);
	EXPECT_NE(
		started.error().message.find("draws multi-plane YUV (NV12) external images black"),
		std::string::npos)
		<< started.error().message;
	EXPECT_NE(started.error().message.find("texture = \"2d\""), std::string::npos);
}

/*
 * vivid's own buffers (VIDIOC_EXPBUF) are foreign to vkms: kms_swrast would
 * import them and crash at the first draw. The sink must see that, upload
 * instead, count every upload and say why.
 */
TEST(GlHeadless, ForeignExpbufBuffersAreUploadedNotImported)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	GlPipeline p(vivid("XRGB8888", false));
	{
		Result<void> started = p.start();
		ASSERT_TRUE(started) << started.error().message;
	}
	ASSERT_TRUE(p.gl->renderer()->uploading());
	EXPECT_NE(p.gl->renderer()->pathNote().find("was not allocated there"), std::string::npos)
		<< p.gl->renderer()->pathNote();
	EXPECT_EQ(p.gl->renderer()->imagesCreated(), 0u);
	ASSERT_TRUE(p.runTo(60)) << p.error();
	Image image;
	std::optional<ImageView> captured;
	readBack(p, image, captured);
	if (HasFatalFailure())
		return;
	/* drawn, not a rate (llvmpipe on a loaded emulated host) */
	const SinkStats &stats = p.glStats();
	EXPECT_GE(stats.displayed, 1u);
	EXPECT_EQ(stats.copies, stats.displayed);
	EXPECT_EQ(p.engine->stats().copies(), stats.copies);

	std::string first;
	EXPECT_EQ(compareRgb(image, *captured, &first), 0u) << "first difference at " << first;
}

/*
 * One stream to kms and gl-headless at once, from dumb buffers on vkms
 * (the one pool both import for real): both show frames, neither copies,
 * and what each shows is the frame vivid captured for it. A buffer goes
 * back to capture only after both released it: vivid would otherwise
 * overwrite a frame one of them still shows, and the comparisons of the
 * frame on screen (writeback) and in the FBO would fail.
 */
TEST(GlFanOut, KmsAndGlHeadlessShowTheSameStreamWithoutCopies)
{
	PRIMECAM_NEED_DEVICE(haveGlDevices(), "vivid and vkms");
	GlPipeline p(vivid("XRGB8888", true), true);
	{
		Result<void> started = p.start();
		ASSERT_TRUE(started) << started.error().message;
	}
	ASSERT_TRUE(p.runTo(50)) << p.error();
	const PipelineStats &stats = p.engine->stats();
	ASSERT_EQ(stats.sinks.size(), 2u);
	/* Frames on both, not a rate: llvmpipe renders on the same two
	 * emulated CPUs as everything else, and a buffer goes back to the
	 * camera only when gl-headless let go of it too, so how many of the
	 * 50 the display flips depends on the host's load. */
	EXPECT_GE(stats.sinks[0].displayed, 1u) << stats.sinks[0].name;
	EXPECT_GE(stats.sinks[1].displayed, 1u) << stats.sinks[1].name;
	EXPECT_EQ(stats.copies(), 0u);

	Result<Image> shown = p.kms->captureWriteback();
	ASSERT_TRUE(shown) << shown.error().message;
	uint64_t kmsSequence = p.kms->activeFrame().metadata().sequence;
	std::optional<ImageView> onScreen = p.tap->view(kmsSequence);
	ASSERT_TRUE(onScreen) << "frame " << kmsSequence << " no longer kept";
	std::vector<uint8_t> bytes(onScreen->planes[0].data,
				   onScreen->planes[0].data + onScreen->planes[0].stride * 480);
	EXPECT_EQ(compareXrgb(*shown, 0, 0, bytes, onScreen->planes[0].stride, 640, 480), 0u);

	Image image;
	std::optional<ImageView> captured;
	readBack(p, image, captured);
	if (HasFatalFailure())
		return;
	std::string first;
	EXPECT_EQ(compareRgb(image, *captured, &first), 0u) << "first difference at " << first;
}

} /* namespace */
