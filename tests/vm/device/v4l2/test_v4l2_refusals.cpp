/* SPDX-License-Identifier: MIT */
#include <cerrno>

#include <gtest/gtest.h>

#include "../device_test.h"
#include "v4l2/device_report.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

namespace {

using Api = CaptureConfig::Api;

Error configureError(const CaptureConfig &config)
{
	V4l2Source source(config);
	Result<void> ret = source.configure();
	EXPECT_FALSE(ret.ok()) << "configure() accepted " << source.describe();
	EXPECT_TRUE(source.buffers().empty());
	return ret.ok() ? Error{} : ret.error();
}

bool contains(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

} /* namespace */

/* 800x600 is not one of the webcam input's sizes: refused before S_FMT, and
 * the message lists the sizes there are. */
TEST(V4l2Refusals, SizeNotOfferedListsTheSizes)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");

	Error err = configureError(vividConfig(Api::SinglePlanar, "XRGB8888", 800, 600));
	EXPECT_EQ(err.code, EINVAL);
	EXPECT_TRUE(contains(err.message, node + " (vivid) does not offer XR24 800x600"))
		<< err.message;
	EXPECT_TRUE(contains(err.message, "320x180 640x360 640x480 1280x720")) << err.message;
}

/*
 * vivid offers every format of primecam's table, so "not listed" is shown
 * on vimc's raw capture node, which offers RGB and Bayer only: NV12 is
 * refused with the list of what it has, in primecam's names.
 */
TEST(V4l2Refusals, FormatNotOfferedListsTheFormats)
{
	auto vimc = VideoDevice::findByDriver("vimc", V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
	PRIMECAM_NEED_DEVICE(!vimc.empty(), "vimc capture");

	CaptureConfig config = vividConfig(Api::SinglePlanar, "NV12");
	config.device = vimc.front();
	config.fps = 0;
	Error err = configureError(config);
	EXPECT_EQ(err.code, EINVAL);
	EXPECT_TRUE(
		contains(err.message, vimc.front() + " (vimc) does not offer NV12; it offers: "))
		<< err.message;
	EXPECT_TRUE(contains(err.message, "BGR3 (RGB888)")) << err.message;
	EXPECT_TRUE(contains(err.message, "BA81 (SBGGR8)")) << err.message;
}

/* Formats that exist in V4L2 only non-contiguously, or not at all. */
TEST(V4l2Refusals, FormatsWithoutAUsableFourcc)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");

	Error err = configureError(vividConfig(Api::SinglePlanar, "YVU422"));
	EXPECT_TRUE(contains(err.message, "YVU422 exists in V4L2 only as the non-contiguous YM61"))
		<< err.message;

	err = configureError(vividConfig(Api::SinglePlanar, "XRGB16161616"));
	EXPECT_TRUE(contains(err.message, "XRGB16161616 has no V4L2 fourcc")) << err.message;

	V4l2Source nonContiguous(vividConfig(Api::SinglePlanar, "NV12"));
	nonContiguous.setNonContiguous(true);
	Result<void> ret = nonContiguous.configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_TRUE(contains(ret.error().message, "single-planar API")) << ret.error().message;
}

TEST(V4l2Refusals, MissingPathNamesItWithEnoent)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");
	CaptureConfig config = vividConfig(Api::SinglePlanar, "XRGB8888");
	config.device = "/dev/video99";
	Error err = configureError(config);
	EXPECT_EQ(err.code, ENOENT);
	EXPECT_TRUE(contains(err.message, "opening /dev/video99")) << err.message;
	EXPECT_TRUE(contains(err.message, "ENOENT")) << err.message;
}

/* Asking a driver for an API none of its nodes speaks lists what exists. */
TEST(V4l2Refusals, DriverWithoutTheApiListsItsNodes)
{
	auto vimc = VideoDevice::findByDriver("vimc", V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
	PRIMECAM_NEED_DEVICE(!vimc.empty(), "vimc capture");
	CaptureConfig config = vividConfig(Api::MultiPlanar, "XRGB8888");
	config.device = "vimc";
	Error err = configureError(config);
	EXPECT_EQ(err.code, ENODEV);
	EXPECT_TRUE(contains(err.message,
			     "no multi-planar video capture node of driver or bus \"vimc\""))
		<< err.message;
	EXPECT_TRUE(contains(err.message, vimc.front() + " (vimc) single-planar")) << err.message;
}

/* What `primecam list` prints about V4L2. */
TEST(V4l2Report, ListsCaptureNodesFormatsSizesAndIntervals)
{
	const std::string single = vividNode(Api::SinglePlanar);
	const std::string multi = vividNode(Api::MultiPlanar);
	PRIMECAM_NEED_DEVICE(!single.empty() && !multi.empty(), "both vivid capture nodes");

	const std::string report = describeVideoNodes();
	EXPECT_TRUE(
		contains(report, single + ": driver vivid, card \"vivid\", bus platform:vivid-"))
		<< report;
	EXPECT_TRUE(contains(report, multi + ": driver vivid")) << report;
	EXPECT_TRUE(contains(report, "  single-planar capture:\n")) << report;
	EXPECT_TRUE(contains(report, "  multi-planar capture:\n")) << report;
	EXPECT_TRUE(contains(report, "XR24 (XRGB8888) \"32-bit BGRX 8-8-8-8\"")) << report;
	EXPECT_TRUE(contains(report, "NM12 (NV12)")) << report;
	EXPECT_TRUE(contains(report, "Y10  (not handled by primecam)")) << report;
	EXPECT_TRUE(contains(report, "sizes: 320x180 640x360 640x480 1280x720")) << report;
	EXPECT_TRUE(contains(report, "intervals at 320x180: 1/1 (1 fps)")) << report;
	/* vim2m is memory-to-memory, not a capture node. */
	EXPECT_FALSE(contains(report, "driver vim2m")) << report;
}

/* The VideoDevice pieces the source is built from, against vivid. */
TEST(V4l2Device, EnumeratesTriesAndFindsControls)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");

	auto dev = VideoDevice::open(node);
	ASSERT_TRUE(dev.ok()) << dev.error().message;
	EXPECT_FALSE(dev->isMultiplanar());
	EXPECT_TRUE(dev->busInfo().starts_with("platform:vivid-")) << dev->busInfo();

	auto intervals = dev->enumFrameIntervals(V4L2_PIX_FMT_XBGR32, 640, 480);
	ASSERT_TRUE(intervals.ok()) << intervals.error().message;
	ASSERT_EQ(intervals->kind, FrameIntervals::Kind::Discrete);
	bool has25 = false;
	for (const Fraction &f : intervals->discrete)
		has25 |= f.numerator == 1 && f.denominator == 25;
	EXPECT_TRUE(has25) << intervals->describe();

	/* TRY_FMT answers with the nearest size and changes nothing. */
	auto before = dev->getFormat();
	ASSERT_TRUE(before.ok());
	auto tried = dev->tryFormat(V4L2_PIX_FMT_XBGR32, 800, 600);
	ASSERT_TRUE(tried.ok()) << tried.error().message;
	EXPECT_FALSE(tried->fmt.pix.width == 800 && tried->fmt.pix.height == 600);
	auto after = dev->getFormat();
	ASSERT_TRUE(after.ok());
	EXPECT_EQ(after->fmt.pix.width, before->fmt.pix.width);
	EXPECT_EQ(after->fmt.pix.pixelformat, before->fmt.pix.pixelformat);

	auto disconnect = dev->findControl("Disconnect");
	ASSERT_TRUE(disconnect.ok()) << disconnect.error().message;
	EXPECT_EQ(disconnect->type, static_cast<uint32_t>(V4L2_CTRL_TYPE_BUTTON));
	auto same = dev->findControl("disconnect");
	ASSERT_TRUE(same.ok());
	EXPECT_EQ(same->id, disconnect->id);

	auto missing = dev->findControl("No Such Control");
	ASSERT_FALSE(missing.ok());
	EXPECT_EQ(missing.error().code, ENOENT);
	EXPECT_TRUE(contains(missing.error().message, node)) << missing.error().message;

	/* 12.5 fps is one of vivid's webcam rates: S_PARM grants it exactly. */
	auto set = dev->setFormat(V4L2_PIX_FMT_XBGR32, 640, 480);
	ASSERT_TRUE(set.ok());
	auto granted = dev->setFrameInterval({2, 25});
	ASSERT_TRUE(granted.ok()) << granted.error().message;
	EXPECT_EQ(granted->numerator, 2u);
	EXPECT_EQ(granted->denominator, 25u);
}
