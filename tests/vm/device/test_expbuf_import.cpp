/* SPDX-License-Identifier: MIT */
#include <drm_fourcc.h>
#include <gtest/gtest.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "base/frame_layout.h"
#include "base/pixel_format.h"
#include "device_test.h"
#include "drm/card.h"
#include "v4l2/video_device.h"

using namespace primecam;

/*
 * The Samsung use case in its smallest form: a buffer vivid captures into,
 * exported with VIDIOC_EXPBUF, becomes a vkms framebuffer without a copy.
 */
TEST(ExpbufImport, VividBufferImportsIntoVkms)
{
	auto nodes =
		VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
	auto card = Card::openByDriver("vkms");
	PRIMECAM_NEED_DEVICE(!nodes.empty(), "a single-planar vivid capture node");
	PRIMECAM_NEED_DEVICE(card.ok(), "the vkms card");

	auto dev = VideoDevice::open(nodes.front());
	ASSERT_TRUE(dev.ok()) << dev.error().message;
	auto fmt = dev->setFormat(V4L2_PIX_FMT_XBGR32, 640, 480);
	ASSERT_TRUE(fmt.ok()) << fmt.error().message;
	ASSERT_EQ(fmt->fmt.pix.pixelformat, V4L2_PIX_FMT_XBGR32);

	auto layout = layoutFromKernel(kernelFormatFrom(*fmt));
	ASSERT_TRUE(layout.ok()) << layout.error().message;
	ASSERT_EQ(layout->format->drm, DRM_FORMAT_XRGB8888) << "V4L2 XR24 is DRM XRGB8888";

	auto count = dev->requestBuffers(2, V4L2_MEMORY_MMAP);
	ASSERT_TRUE(count.ok()) << count.error().message;
	ASSERT_GE(*count, 2u);

	std::vector<uint32_t> handles;
	for (uint32_t i = 0; i < 2; ++i) {
		auto buf = dev->exportBuffer(i, 0);
		ASSERT_TRUE(buf.ok()) << buf.error().message;
		EXPECT_TRUE(buf->isDmaBuf());
		EXPECT_GE(buf->size(), layout->memoryPlaneSizes[0]);

		uint32_t handle = 0;
		ASSERT_EQ(drmPrimeFDToHandle(card->fd(), buf->fd(), &handle), 0)
			<< "PRIME import of vivid buffer " << i << ": " << errnoText(errno);
		EXPECT_NE(handle, 0u);

		/* The same dma-buf under another fd number is the same GEM object:
		 * the kernel hands back the handle it already gave this file. */
		auto again = buf->dup();
		ASSERT_TRUE(again.ok());
		uint32_t second = 0;
		ASSERT_EQ(drmPrimeFDToHandle(card->fd(), again->fd(), &second), 0);
		EXPECT_EQ(second, handle);

		uint32_t fbHandles[4] = {handle}, pitches[4] = {layout->planes[0].stride},
			 offsets[4] = {layout->planes[0].offset}, fb = 0;
		ASSERT_EQ(drmModeAddFB2(card->fd(), layout->width, layout->height,
					DRM_FORMAT_XRGB8888, fbHandles, pitches, offsets, &fb, 0),
			  0)
			<< "AddFB2 of vivid buffer " << i << ": " << errnoText(errno);
		EXPECT_EQ(drmModeRmFB(card->fd(), fb), 0);
		handles.push_back(handle);
	}
	EXPECT_NE(handles[0], handles[1]);
	for (uint32_t handle : handles)
		EXPECT_EQ(drmCloseBufferHandle(card->fd(), handle), 0);
	EXPECT_TRUE(dev->requestBuffers(0, V4L2_MEMORY_MMAP).ok());
}
