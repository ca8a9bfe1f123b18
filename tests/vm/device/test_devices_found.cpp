/* SPDX-License-Identifier: MIT */
#include <gtest/gtest.h>
#include <xf86drmMode.h>

#include "device_test.h"
#include "drm/card.h"
#include "v4l2/video_device.h"

using namespace primecam;

TEST(Devices, VividCaptureNodeFoundByDriverName)
{
	auto single = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE);
	auto mplane = VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE_MPLANE);
	PRIMECAM_NEED_DEVICE(!single.empty() || !mplane.empty(), "a vivid capture node");

	/* The VM boots vivid with multiplanar=1,2: one node of each API. */
	ASSERT_FALSE(single.empty()) << "no single-planar vivid capture node";
	ASSERT_FALSE(mplane.empty()) << "no multi-planar vivid capture node";

	auto dev = VideoDevice::open(single.front());
	ASSERT_TRUE(dev.ok()) << dev.error().message;
	EXPECT_EQ(dev->driver(), "vivid");
	EXPECT_TRUE(dev->caps() & V4L2_CAP_STREAMING);
	EXPECT_FALSE(dev->isMultiplanar());

	auto mdev = VideoDevice::open(mplane.front());
	ASSERT_TRUE(mdev.ok()) << mdev.error().message;
	EXPECT_TRUE(mdev->isMultiplanar());
	EXPECT_EQ(mdev->captureType(), V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
}

TEST(Devices, VkmsCardHasAWritebackConnector)
{
	auto card = Card::openByDriver("vkms");
	PRIMECAM_NEED_DEVICE(card.ok(), "the vkms card: " << card.error().message);

	auto caps = card->enableAtomic(true);
	ASSERT_TRUE(caps.ok()) << caps.error().message;

	drmModeRes *res = drmModeGetResources(card->fd());
	ASSERT_NE(res, nullptr);
	int writeback = 0, virtualOut = 0;
	for (int i = 0; i < res->count_connectors; ++i) {
		drmModeConnector *conn = drmModeGetConnector(card->fd(), res->connectors[i]);
		ASSERT_NE(conn, nullptr);
		writeback += conn->connector_type == DRM_MODE_CONNECTOR_WRITEBACK;
		virtualOut += conn->connector_type == DRM_MODE_CONNECTOR_VIRTUAL;
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	EXPECT_EQ(writeback, 1);
	EXPECT_EQ(virtualOut, 1);
}

TEST(Devices, UnknownDriverErrorListsWhatExists)
{
	auto vkms = Card::openByDriver("vkms");
	PRIMECAM_NEED_DEVICE(vkms.ok(), "the vkms card");

	auto card = Card::openByDriver("no-such-driver");
	ASSERT_FALSE(card.ok());
	EXPECT_EQ(card.error().code, ENODEV);
	EXPECT_NE(card.error().message.find("(vkms)"), std::string::npos) << card.error().message;
	EXPECT_NE(card.error().message.find("(vgem)"), std::string::npos) << card.error().message;
}
