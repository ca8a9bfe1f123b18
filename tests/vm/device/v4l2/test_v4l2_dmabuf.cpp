/* SPDX-License-Identifier: MIT */
#include <algorithm>

#include <gtest/gtest.h>
#include <unistd.h>

#include "../device_test.h"
#include "alloc/dumb_allocator.h"
#include "drm/card.h"
#include "v4l2/v4l2_source.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

/*
 * V4L2_MEMORY_DMABUF: the capture device writes into dma-bufs allocated
 * elsewhere, imported once at configure time (PREPARE_BUF) and passed by fd
 * at every QBUF.
 */

namespace {

using Api = CaptureConfig::Api;

/* Streams 30 frames into buffers from allocator and checks that each buffer
 * plane is its own allocation, laid out by the kernel's format, holding
 * vivid's colour bars. */
void streamInto(BufferAllocator allocator, Api api, const char *format, bool nonContiguous)
{
	CaptureConfig config = vividConfig(api, format);
	config.memory = CaptureConfig::Memory::Dmabuf;
	const std::string name = allocator.name;

	StreamRun run;
	stream(run, config, 30, std::move(allocator), nonContiguous);
	if (::testing::Test::HasFatalFailure())
		return;
	checkStream(run, 30);

	const V4l2Source &source = *run.source;
	EXPECT_EQ(source.memoryType(), static_cast<uint32_t>(V4L2_MEMORY_DMABUF));
	EXPECT_NE(source.describe().find("DMABUF buffers from " + name), std::string::npos)
		<< source.describe();

	auto g = source.device()->getFormat();
	ASSERT_TRUE(g.ok()) << g.error().message;
	KernelFormat kf = kernelFormatFrom(*g);
	std::vector<BufferId> ids;
	for (const FrameBuffer &fb : source.buffers()) {
		ASSERT_EQ(fb.numMemoryPlanes, kf.numMemoryPlanes);
		for (uint32_t p = 0; p < fb.numMemoryPlanes; ++p) {
			EXPECT_GE(fb.memory[p]->size(), kf.memoryPlanes[p].sizeimage);
			EXPECT_TRUE(fb.memory[p]->isDmaBuf());
			ids.push_back(fb.memory[p]->id());
		}
		EXPECT_EQ(fb.planes[0].stride, kf.memoryPlanes[0].bytesperline);

		std::vector<uint8_t> bytes = readPlane(fb, 0);
		ASSERT_FALSE(bytes.empty());
		const uint8_t *row =
			bytes.data() + fb.planes[0].offset + fb.planes[0].stride * (fb.height / 2);
		if (fb.format->yuv) {
			EXPECT_GT(row[fb.width / 16], 150) << "white bar luma";
			EXPECT_LT(row[fb.width * 15 / 16], 40) << "black bar luma";
		} else {
			const uint8_t *white = row + 4 * (fb.width / 16);
			const uint8_t *black = row + 4 * (fb.width * 15 / 16);
			for (int c = 0; c < 3; ++c) {
				EXPECT_GT(white[c], 150) << "white bar channel " << c;
				EXPECT_LT(black[c], 40) << "black bar channel " << c;
			}
		}
	}
	const size_t planes = ids.size();
	std::sort(ids.begin(), ids.end());
	EXPECT_EQ(std::unique(ids.begin(), ids.end()) - ids.begin(), static_cast<long>(planes))
		<< "every memory plane of every buffer is its own dma-buf";
}

} /* namespace */

/* Dumb buffers on the display card: the capture lands in memory vkms can
 * scan out. */
TEST(V4l2Dmabuf, CapturesIntoVkmsDumbBuffers)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");
	PRIMECAM_NEED_DEVICE(Card::openByDriver("vkms").ok(), "the vkms card");

	auto allocator = makeDumbAllocator("vkms");
	ASSERT_TRUE(allocator.ok()) << allocator.error().message;
	streamInto(std::move(*allocator), Api::SinglePlanar, "XRGB8888", false);
}

TEST(V4l2Dmabuf, CapturesIntoDmaHeapBuffers)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");
	auto allocator = makeDmaHeapAllocator();
	PRIMECAM_NEED_DEVICE(allocator.ok(), "the system dma-heap");
	streamInto(std::move(*allocator), Api::SinglePlanar, "XRGB8888", false);
}

/* NV12M: two allocations per buffer, one per colour plane. */
TEST(V4l2Dmabuf, MultiPlanarNv12mIntoDmaHeapBuffers)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::MultiPlanar).empty(), "vivid multi-planar capture");
	auto allocator = makeDmaHeapAllocator();
	PRIMECAM_NEED_DEVICE(allocator.ok(), "the system dma-heap");
	streamInto(std::move(*allocator), Api::MultiPlanar, "NV12", true);
}

/*
 * udmabuf cannot be captured into by vivid on 6.1 (vb2-vmalloc needs a
 * kernel mapping of the dma-buf, which udmabuf does not offer: EFAULT). The
 * failure comes at configure time and says which exporter and which device.
 */
TEST(V4l2Dmabuf, UdmabufRefusedNamingExporterAndDevice)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");
	PRIMECAM_NEED_DEVICE(::access("/dev/udmabuf", R_OK | W_OK) == 0, "/dev/udmabuf");

	auto allocator = udmabufAllocator();
	ASSERT_TRUE(allocator.ok()) << allocator.error().message;
	CaptureConfig config = vividConfig(Api::SinglePlanar, "XRGB8888");
	config.memory = CaptureConfig::Memory::Dmabuf;

	const int fds = openFdCount();
	{
		V4l2Source source(config, std::move(*allocator));
		Result<void> ret = source.configure();
		ASSERT_FALSE(ret.ok()) << "vivid captured into udmabuf: the 6.1 facts changed";
		const std::string &msg = ret.error().message;
		EXPECT_EQ(ret.error().code, EFAULT) << msg;
		EXPECT_NE(msg.find(node + " (vivid) cannot capture into dma-bufs from udmabuf"),
			  std::string::npos)
			<< msg;
		EXPECT_NE(msg.find("EFAULT"), std::string::npos) << msg;
		EXPECT_TRUE(source.buffers().empty());
	}
	EXPECT_EQ(openFdCount(), fds) << "a failed configure left fds open";
}
