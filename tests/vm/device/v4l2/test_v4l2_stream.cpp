/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>

#include "../device_test.h"
#include "base/cpu_access.h"
#include "base/event_loop.h"
#include "base/mapping.h"
#include "holding_sink.h"
#include "pipeline/engine.h"
#include "pipeline/null_sink.h"
#include "pipeline/stats.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

namespace {
using Api = CaptureConfig::Api;
} /* namespace */

/* vivid single-planar XR24 (DRM XRGB8888), the format vkms scans out. */
TEST(V4l2Stream, SinglePlanarXrgb8888ThroughEngine)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");

	StreamRun run;
	stream(run, vividConfig(Api::SinglePlanar, "XRGB8888"), 30);
	if (HasFatalFailure())
		return;
	checkStream(run, 30);

	const V4l2Source &source = *run.source;
	EXPECT_EQ(source.memoryType(), static_cast<uint32_t>(V4L2_MEMORY_MMAP));
	EXPECT_DOUBLE_EQ(source.frameInterval().fps(), 25.0) << source.describe();
	EXPECT_NE(source.describe().find("vivid (" + vividNode(Api::SinglePlanar) +
					 ") XRGB8888 "
					 "640x480"),
		  std::string::npos)
		<< source.describe();

	auto g = source.device()->getFormat();
	ASSERT_TRUE(g.ok()) << g.error().message;
	std::vector<BufferId> ids;
	for (const FrameBuffer &fb : source.buffers()) {
		ASSERT_EQ(fb.numPlanes, 1u);
		ASSERT_EQ(fb.numMemoryPlanes, 1u);
		EXPECT_EQ(fb.planes[0].stride, g->fmt.pix.bytesperline);
		EXPECT_EQ(fb.planes[0].offset, 0u);
		EXPECT_EQ(fb.planes[0].modifier, 0u) << "DRM_FORMAT_MOD_LINEAR";
		EXPECT_EQ(fb.planes[0].id, fb.memory[0]->id());
		EXPECT_TRUE(fb.memory[0]->isDmaBuf());
		EXPECT_GE(fb.memory[0]->size(), g->fmt.pix.sizeimage);
		ids.push_back(fb.planes[0].id);
	}
	std::sort(ids.begin(), ids.end());
	EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "each buffer its own dma-buf";
}

/*
 * The pixels are vivid's default test pattern, 75% colour bars (white,
 * yellow, cyan, green, magenta, red, blue, black, each 1/8 of the width),
 * read back through the exported dma-buf: the capture really went into the
 * memory the sinks import.
 */
TEST(V4l2Stream, CapturedPixelsAreVividColourBars)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");

	StreamRun run;
	stream(run, vividConfig(Api::SinglePlanar, "XRGB8888"), 8);
	if (HasFatalFailure())
		return;
	checkStream(run, 8);

	/* 8 frames into 4 buffers: every buffer holds a frame. */
	for (const FrameBuffer &fb : run.source->buffers()) {
		std::vector<uint8_t> bytes = readPlane(fb, 0);
		ASSERT_FALSE(bytes.empty());
		const uint32_t stride = fb.planes[0].stride;
		/* The middle row: vivid writes its text overlay at the top. */
		const uint8_t *row = bytes.data() + fb.planes[0].offset + stride * (fb.height / 2);
		auto pixel = [&](unsigned bar) {
			/* XR24: bytes B, G, R, X; the middle of bar `bar`. */
			const uint8_t *p = row + 4 * (fb.width * (2 * bar + 1) / 16);
			return std::array<int, 3>{p[2], p[1], p[0]};
		};
		auto [wr, wg, wb] = pixel(0);
		auto [yr, yg, yb] = pixel(1);
		auto [cr, cg, cb] = pixel(2);
		auto [kr, kg, kb] = pixel(7);
		SCOPED_TRACE("buffer " + std::to_string(fb.index));
		EXPECT_GT(wr, 150);
		EXPECT_GT(wg, 150);
		EXPECT_GT(wb, 150); /* white */
		EXPECT_GT(yr, 150);
		EXPECT_GT(yg, 150);
		EXPECT_LT(yb, 40); /* yellow: no blue */
		EXPECT_LT(cr, 40);
		EXPECT_GT(cg, 150);
		EXPECT_GT(cb, 150); /* cyan: no red */
		EXPECT_LT(kr, 40);
		EXPECT_LT(kg, 40);
		EXPECT_LT(kb, 40); /* black */
	}
}

/* NV12M on vivid's multi-planar node: one dma-buf per colour plane, each
 * with the kernel's own bytesperline. */
TEST(V4l2Stream, MultiPlanarNv12mNonContiguous)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::MultiPlanar).empty(), "vivid multi-planar capture");

	/* The non-contiguous variant only when asked by name. */
	ASSERT_TRUE(V4l2Source::namesNonContiguous("NM12"));
	StreamRun run;
	stream(run, vividConfig(Api::MultiPlanar, "NV12"), 30, {}, true);
	if (HasFatalFailure())
		return;
	checkStream(run, 30);

	auto g = run.source->device()->getFormat();
	ASSERT_TRUE(g.ok()) << g.error().message;
	ASSERT_EQ(g->fmt.pix_mp.pixelformat, static_cast<uint32_t>(V4L2_PIX_FMT_NV12M));
	ASSERT_EQ(g->fmt.pix_mp.num_planes, 2u);
	for (const FrameBuffer &fb : run.source->buffers()) {
		ASSERT_EQ(fb.numPlanes, 2u);
		ASSERT_EQ(fb.numMemoryPlanes, 2u);
		EXPECT_EQ(fb.planes[0].stride, g->fmt.pix_mp.plane_fmt[0].bytesperline);
		EXPECT_EQ(fb.planes[1].stride, g->fmt.pix_mp.plane_fmt[1].bytesperline);
		EXPECT_EQ(fb.planes[0].offset, 0u);
		EXPECT_EQ(fb.planes[1].offset, 0u);
		EXPECT_NE(fb.planes[0].id, fb.planes[1].id) << "NV12M: a dma-buf per plane";
		EXPECT_EQ(fb.planes[1].id, fb.memory[1]->id());
		EXPECT_GE(fb.memory[1]->size(), g->fmt.pix_mp.plane_fmt[1].sizeimage);

		/* Colour bars in luma: white bright, black dark (limited range). */
		std::vector<uint8_t> luma = readPlane(fb, 0);
		ASSERT_FALSE(luma.empty());
		const uint8_t *row = luma.data() + fb.planes[0].stride * (fb.height / 2);
		EXPECT_GT(row[fb.width / 16], 150) << "white bar";
		EXPECT_LT(row[fb.width * 15 / 16], 40) << "black bar";
	}
}

/* Contiguous NV12 through the multi-planar API: both colour planes in one
 * dma-buf, chroma after bytesperline * height of luma. */
TEST(V4l2Stream, MultiPlanarNv12Contiguous)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::MultiPlanar).empty(), "vivid multi-planar capture");

	StreamRun run;
	stream(run, vividConfig(Api::MultiPlanar, "NV12"), 30);
	if (HasFatalFailure())
		return;
	checkStream(run, 30);

	auto g = run.source->device()->getFormat();
	ASSERT_TRUE(g.ok()) << g.error().message;
	ASSERT_EQ(g->fmt.pix_mp.pixelformat, static_cast<uint32_t>(V4L2_PIX_FMT_NV12));
	ASSERT_EQ(g->fmt.pix_mp.num_planes, 1u);
	const uint32_t bpl = g->fmt.pix_mp.plane_fmt[0].bytesperline;
	for (const FrameBuffer &fb : run.source->buffers()) {
		ASSERT_EQ(fb.numPlanes, 2u);
		ASSERT_EQ(fb.numMemoryPlanes, 1u);
		EXPECT_EQ(fb.planes[0].stride, bpl);
		EXPECT_EQ(fb.planes[1].stride, bpl);
		EXPECT_EQ(fb.planes[0].offset, 0u);
		EXPECT_EQ(fb.planes[1].offset, bpl * fb.height);
		EXPECT_EQ(fb.planes[0].id, fb.planes[1].id);
	}
}

/*
 * vivid's NV16M puts a 128-byte header (PLANE0_DATA_OFFSET, filled with 0x80)
 * before the luma plane and reports it in v4l2_plane.data_offset, NV61M the
 * same before the chroma plane: the image, and so the FrameBuffer's plane
 * offset, starts 128 bytes into that plane's dma-buf. (vivid's YUYV has the
 * same header, but only while no single-planar instance exists: the table
 * is shared and a single-planar instance clears it.)
 */
TEST(V4l2Stream, MultiPlanarHonoursDataOffset)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::MultiPlanar).empty(), "vivid multi-planar capture");

	for (unsigned headerPlane : {0u, 1u}) {
		SCOPED_TRACE(headerPlane ? "NV61M" : "NV16M");
		StreamRun run;
		stream(run, vividConfig(Api::MultiPlanar, headerPlane ? "NV61" : "NV16"), 8, {},
		       true);
		if (HasFatalFailure())
			return;
		checkStream(run, 8);

		auto g = run.source->device()->getFormat();
		ASSERT_TRUE(g.ok()) << g.error().message;
		ASSERT_EQ(g->fmt.pix_mp.num_planes, 2u);
		for (const FrameBuffer &fb : run.source->buffers()) {
			ASSERT_EQ(fb.numPlanes, 2u);
			ASSERT_EQ(fb.numMemoryPlanes, 2u);
			for (unsigned p = 0; p < 2; ++p) {
				EXPECT_EQ(fb.planes[p].stride,
					  g->fmt.pix_mp.plane_fmt[p].bytesperline);
				EXPECT_EQ(fb.planes[p].offset, p == headerPlane ? 128u : 0u)
					<< "plane " << p;
			}
			const unsigned h = headerPlane;
			std::vector<uint8_t> bytes = readPlane(fb, h);
			ASSERT_GE(bytes.size(), 128u + fb.planes[h].stride * fb.height);
			for (unsigned i = 0; i < 128; ++i)
				ASSERT_EQ(bytes[i], 0x80) << "header byte " << i;
			if (h == 0) {
				/* Luma of the white bar right after the header. */
				const uint8_t *row =
					bytes.data() + 128 + fb.planes[0].stride * (fb.height / 2);
				EXPECT_GT(row[fb.width / 16], 150);
				EXPECT_LT(row[fb.width * 15 / 16], 40);
			}
		}
	}
}
