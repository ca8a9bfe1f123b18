/* SPDX-License-Identifier: MIT */
/*
 * CPU stages between vivid and vkms on real drivers: what the display showed
 * (vkms's writeback connector) is checked against the captured frame (a
 * tap's copy of it) put through the same conversion outside the pipeline,
 * and every CPU touch is counted in SYNC START/END pairs. The conversions
 * are primecam's own convertImage (libyuv): these tests show that the
 * pipeline displays the conversion of the frame it captured, in the right
 * buffer; whether libyuv converts right is checked on the host, against a
 * reference written apart from it (tests/pipeline).
 */
#include <array>
#include <cstring>
#include <mutex>

#include <gtest/gtest.h>

#include "alloc/dma_heap_allocator.h"
#include "alloc/dumb_allocator.h"
#include "pipeline/stages/convert_stage.h"
#include "pipeline/stages/frame_sync.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/invert_stage.h"
#include "pipeline/stages/mapped_buffers.h"
#include "src/build_config.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"
#if PRIMECAM_HAVE_LIBV4L2
#include "tests/vm/device/v4l2/bayer_only_formats.h"
#include "v4l2/libv4l2_source.h"
#endif

using namespace primecam;
using namespace primecam::test;

namespace {

CaptureConfig vivid(const char *format)
{
	CaptureConfig capture;
	capture.device = "vivid";
	capture.api = CaptureConfig::Api::SinglePlanar;
	capture.format = formatByName(format);
	capture.width = 640;
	capture.height = 480;
	capture.fps = 25;
	return capture;
}

/* SYNC pairs: every stage issued one START and one END per dma-buf it
 * touched per frame, and nothing else. */
void expectSyncPairs(const PipelineStats &stats, std::initializer_list<uint64_t> perFrame)
{
	size_t i = 0;
	for (uint64_t n : perFrame) {
		const StageStats &stage = stats.stages.at(i++);
		EXPECT_GT(stage.processed, 0u) << stage.name;
		EXPECT_EQ(stage.syncStarts, stage.processed * n) << stage.name;
		EXPECT_EQ(stage.syncEnds, stage.syncStarts) << stage.name;
		EXPECT_EQ(stage.errors, 0u) << stage.name;
	}
}

TEST(StagesToVkms, YuyvConvertedToXrgbShowsLibyuvsConversionOfTheCapturedFrame)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;
	const PixelFormatInfo &xrgb = *formatByName("XRGB8888");

	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	stages.push_back(
		std::make_unique<ConvertStage>(xrgb, YuvEncodingChoice{}, std::move(*dumb), 4));
	Pipeline p(vivid("YUYV"), vkms(), {}, std::move(stages));
	ASSERT_TRUE(p.start()) << p.error();
	ASSERT_TRUE(p.runTo(60)) << p.error();

	const PipelineStats &stats = p.engine->stats();
	const StageStats &convert = stats.stages.at(1);
	EXPECT_EQ(convert.conversions, convert.processed);
	EXPECT_EQ(stats.copies(), 0u);
	/* half: a rate the emulated display meets on a loaded host (see
	 * test_vivid_vkms.cpp) */
	EXPECT_GE(p.display().displayed * 2, convert.processed)
		<< p.display().displayed << " of " << convert.processed
		<< " converted frames shown";
	expectSyncPairs(stats, {1, 2}); /* tap: input; convert: input + output */

	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_TRUE(p.sink->activeFrame());
	uint64_t shown = p.sink->activeFrame().metadata().sequence;
	const std::vector<uint8_t> *captured = tapped->frame(shown);
	ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";

	/* libyuv's conversion of what vivid captured, in a plain buffer. */
	std::vector<uint8_t> src(*captured);
	std::vector<uint8_t> expected(640 * 4 * 480);
	ImageView in{formatByName("YUYV"), 640, 480, {}};
	in.planes[0] = {src.data(), tapped->stride()};
	ImageView out{&xrgb, 640, 480, {}};
	out.planes[0] = {expected.data(), 640 * 4};
	ASSERT_EQ(convertImage(in, out), 0);
	std::string first;
	EXPECT_EQ(compareXrgb(*image, 0, 0, expected, 640 * 4, 640, 480, &first), 0u)
		<< "frame " << shown << ": " << first;
}

TEST(StagesToVkms, InvertedXr24ShowsTheBitwiseInverseOfTheCapturedFrame)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	stages.push_back(std::make_unique<InvertStage>());
	Pipeline p(vivid("XRGB8888"), vkms(), {}, std::move(stages));
	ASSERT_TRUE(p.start()) << p.error();
	ASSERT_TRUE(p.runTo(60)) << p.error();

	const PipelineStats &stats = p.engine->stats();
	EXPECT_EQ(stats.copies(), 0u);
	EXPECT_EQ(stats.stages.at(1).conversions, 0u);
	expectSyncPairs(stats, {1, 1});

	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_TRUE(p.sink->activeFrame());
	uint64_t shown = p.sink->activeFrame().metadata().sequence;
	const std::vector<uint8_t> *captured = tapped->frame(shown);
	ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";
	std::vector<uint8_t> inverse(*captured);
	for (uint8_t &b : inverse)
		b = static_cast<uint8_t>(~b); /* the X byte is ignored by compareXrgb */
	std::string first;
	EXPECT_EQ(compareXrgb(*image, 0, 0, inverse, tapped->stride(), 640, 480, &first), 0u)
		<< "frame " << shown << ": " << first;
	/* and not trivially: the captured frame is not its own inverse */
	EXPECT_NE(compareXrgb(*image, 0, 0, *captured, tapped->stride(), 640, 480), 0u);
}

} /* namespace */

#if PRIMECAM_HAVE_LIBV4L2
namespace {

/*
 * The libv4l2 compatibility path end to end, on a camera that speaks Bayer
 * only (vivid made to look like one, see BayerOnlyFormats): libv4l2
 * debayers to BGR24, primecam copies each frame into a dma-heap buffer
 * (counted), a stage converts it for vkms, and the display shows libyuv's
 * conversion of what libv4l2 delivered.
 */
TEST(StagesToVkms, BayerThroughLibv4l2ConvertedForVkms)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	Result<BufferAllocator> heap = makeDmaHeapAllocator();
	ASSERT_TRUE(heap) << heap.error().message;
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;

	CaptureConfig capture = vivid("BGR3"); /* V4L2 BGR24: DRM RGB888 */
	capture.memory = CaptureConfig::Memory::Libv4l2;
	capture.pool = CaptureConfig::Pool::DmaHeap;
	capture.controls.emplace_back("Timestamp Source", 1);
	auto source = std::make_unique<Libv4l2Source>(capture, std::move(*heap));
	Libv4l2Source *libv4l2 = source.get();

	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	const PixelFormatInfo &xrgb = *formatByName("XRGB8888");
	stages.push_back(
		std::make_unique<ConvertStage>(xrgb, YuvEncodingChoice{}, std::move(*dumb), 4));
	Pipeline p(std::move(source), vkms(), std::move(stages));
	{
		BayerOnlyFormats bayerOnly;
		ASSERT_TRUE(p.engine->configure()) << p.error();
	}
	ASSERT_EQ(fourccToString(libv4l2->deviceFourcc()), "BA81");
	ASSERT_TRUE(p.engine->start()) << p.error();
	ASSERT_TRUE(p.runTo(30)) << p.error();

	const PipelineStats &stats = p.engine->stats();
	EXPECT_EQ(stats.sourceCopies, stats.captured) << "every frame is a counted copy";
	EXPECT_EQ(stats.copies(), stats.captured);
	EXPECT_EQ(stats.stages.at(1).conversions, stats.stages.at(1).processed);
	expectSyncPairs(stats, {1, 2});

	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_TRUE(p.sink->activeFrame());
	uint64_t shown = p.sink->activeFrame().metadata().sequence;
	const std::vector<uint8_t> *captured = tapped->frame(shown);
	ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";
	std::vector<uint8_t> src(*captured);
	std::vector<uint8_t> expected(640 * 4 * 480);
	ImageView in{formatByName("RGB888"), 640, 480, {}};
	in.planes[0] = {src.data(), tapped->stride()};
	ImageView out{&xrgb, 640, 480, {}};
	out.planes[0] = {expected.data(), 640 * 4};
	ASSERT_EQ(convertImage(in, out), 0);
	std::string first;
	EXPECT_EQ(compareXrgb(*image, 0, 0, expected, 640 * 4, 640, 480, &first), 0u)
		<< "frame " << shown << ": " << first;
}

} /* namespace */
#endif
