/* SPDX-License-Identifier: MIT */
/*
 * The scale stage between vivid and vkms on real drivers: vkms's planes
 * cannot scale and its primary plane must cover the mode, so vivid's
 * 320x180 frames reach the 640x480 screen only through the stage. What the
 * display showed (vkms's writeback connector) is checked against libyuv's
 * ARGBScale of the frame vivid captured (a tap's copy), exactly: the stage
 * scales a 32-bit frame into its own byte order with that one call, so any
 * difference is a wrong frame, a wrong buffer or a wrong stride, not
 * rounding. Whether libyuv scales right is checked on the host against a
 * bilinear reference of its own (tests/pipeline/test_image_scale.cpp).
 */
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <libyuv.h>

#include "alloc/dumb_allocator.h"
#include "pipeline/stages/image_convert.h"
#include "pipeline/stages/scale_stage.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/e2e_pipeline.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

namespace {

TEST(ScaleToVkms, Xrgb320x180ScaledTo640x480ShowsLibyuvsScalingOfTheCapturedFrame)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;

	/* A size vivid's webcam input offers, smaller than the mode both ways
	 * and of another aspect ratio: each axis scales by its own factor. */
	const CaptureConfig capture =
		vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888", 320, 180);

	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	/* No format: the input's, XRGB8888. */
	auto scale = std::make_unique<ScaleStage>(640, 480, nullptr, YuvEncodingChoice{},
						  std::move(*dumb), 4);
	ScaleStage *scaler = scale.get();
	stages.push_back(std::move(scale));
	Pipeline p(capture, vkms(), {}, std::move(stages));
	ASSERT_TRUE(p.start()) << p.error();
	EXPECT_NE(scaler->describe().find("scale XRGB8888 320x180 -> XRGB8888 640x480 (bilinear) "
					  "into 4 x "),
		  std::string::npos)
		<< scaler->describe();
	ASSERT_TRUE(p.runTo(60)) << p.error();

	const PipelineStats &stats = p.engine->stats();
	const StageStats &scaled = stats.stages.at(1);
	EXPECT_GT(scaled.processed, 0u);
	/* One conversion per frame, no copy. */
	EXPECT_EQ(scaled.conversions, scaled.processed);
	EXPECT_EQ(stats.copies(), 0u);
	EXPECT_EQ(scaled.errors, 0u);
	/* READ on the input, WRITE on the output: one pair each per frame. */
	EXPECT_EQ(scaled.syncStarts, scaled.processed * 2);
	EXPECT_EQ(scaled.syncEnds, scaled.syncStarts);
	/* half: a rate the emulated display meets on a loaded host (see
	 * test_vivid_vkms.cpp) */
	EXPECT_GE(p.display().displayed * 2, scaled.processed)
		<< p.display().displayed << " of " << scaled.processed << " scaled frames shown";

	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	/* After the writeback: it waited for any flip in flight, so the active
	 * frame is the one it read. */
	ASSERT_TRUE(p.sink->activeFrame());
	uint64_t shown = p.sink->activeFrame().metadata().sequence;
	std::vector<const std::vector<uint8_t> *> captured = tapped->frames(shown);
	ASSERT_FALSE(captured.empty()) << "frame " << shown << " no longer kept";
	ASSERT_EQ(tapped->width(), 320u);
	ASSERT_EQ(tapped->height(), 180u);

	/* vivid may repeat a sequence number: either frame so numbered is right. */
	size_t fewest = SIZE_MAX;
	std::string first;
	for (const std::vector<uint8_t> *bytes : captured) {
		std::vector<uint8_t> expected(size_t{640} * 4 * 480);
		ASSERT_EQ(libyuv::ARGBScale(bytes->data(), static_cast<int>(tapped->stride()), 320,
					    180, expected.data(), 640 * 4, 640, 480,
					    libyuv::kFilterBilinear),
			  0);
		std::string where;
		size_t diffs = compareXrgb(*image, 0, 0, expected, 640 * 4, 640, 480, &where);
		if (diffs < fewest) {
			fewest = diffs;
			first = where;
		}
	}
	EXPECT_EQ(fewest, 0u) << "frame " << shown << ": " << first;

	/* and it is a scaling, not a copy of the corner: the 320x180 frame
	 * placed unscaled would differ from the screen. */
	std::vector<uint8_t> unscaled(size_t{640} * 4 * 480, 0);
	for (uint32_t y = 0; y < 180; y++)
		std::copy_n(captured.front()->data() + size_t{y} * tapped->stride(), 320 * 4,
			    unscaled.data() + size_t{y} * 640 * 4);
	EXPECT_GT(compareXrgb(*image, 0, 0, unscaled, 640 * 4, 640, 480), 0u);
}

/*
 * YUYV, which vkms cannot scan out, converted and scaled in one stage: the
 * screen must equal libyuv's conversion of the captured frame at its own
 * size, scaled by ARGBScale, exactly (the stage's two passes, made here
 * outside the pipeline).
 */
TEST(ScaleToVkms, Yuyv320x180ConvertedAndScaledTo640x480)
{
	PRIMECAM_NEED_DEVICE(haveDevices(), "vivid and vkms");
	Result<BufferAllocator> dumb = makeDumbAllocator("vkms");
	ASSERT_TRUE(dumb) << dumb.error().message;
	const PixelFormatInfo &xrgb = *formatByName("XRGB8888");

	const CaptureConfig capture =
		vividConfig(CaptureConfig::Api::SinglePlanar, "YUYV", 320, 180);

	std::vector<std::unique_ptr<Stage>> stages;
	auto tap = std::make_unique<ReferenceStage>();
	ReferenceStage *tapped = tap.get();
	stages.push_back(std::move(tap));
	stages.push_back(std::make_unique<ScaleStage>(640, 480, &xrgb, YuvEncodingChoice{},
						      std::move(*dumb), 4));
	Pipeline p(capture, vkms(), {}, std::move(stages));
	ASSERT_TRUE(p.start()) << p.error();
	ASSERT_TRUE(p.runTo(60)) << p.error();

	const PipelineStats &stats = p.engine->stats();
	const StageStats &scaled = stats.stages.at(1);
	EXPECT_GT(scaled.processed, 0u);
	EXPECT_EQ(scaled.conversions, scaled.processed);
	EXPECT_EQ(stats.copies(), 0u);
	EXPECT_EQ(scaled.errors, 0u);
	EXPECT_NE(scaled.name.find("scale YUYV 320x180 -> XRGB8888 640x480 (bilinear, bt601 "
				   "limited"),
		  std::string::npos)
		<< scaled.name;

	auto image = p.sink->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_TRUE(p.sink->activeFrame());
	uint64_t shown = p.sink->activeFrame().metadata().sequence;
	std::vector<const std::vector<uint8_t> *> captured = tapped->frames(shown);
	ASSERT_FALSE(captured.empty()) << "frame " << shown << " no longer kept";

	size_t fewest = SIZE_MAX;
	std::string first;
	for (const std::vector<uint8_t> *bytes : captured) {
		std::vector<uint8_t> src(*bytes), wide(size_t{320} * 4 * 180);
		ImageView in{formatByName("YUYV"), 320, 180, {}};
		in.planes[0] = {src.data(), tapped->stride()};
		ImageView out{&xrgb, 320, 180, {}};
		out.planes[0] = {wide.data(), 320 * 4};
		/* vivid reports BT.601 limited range for YUYV, what YuvEncoding{} is. */
		ASSERT_EQ(convertImage(in, out), 0);
		std::vector<uint8_t> expected(size_t{640} * 4 * 480);
		ASSERT_EQ(libyuv::ARGBScale(wide.data(), 320 * 4, 320, 180, expected.data(),
					    640 * 4, 640, 480, libyuv::kFilterBilinear),
			  0);
		std::string where;
		size_t diffs = compareXrgb(*image, 0, 0, expected, 640 * 4, 640, 480, &where);
		if (diffs < fewest) {
			fewest = diffs;
			first = where;
		}
	}
	EXPECT_EQ(fewest, 0u) << "frame " << shown << ": " << first;
}

} /* namespace */
