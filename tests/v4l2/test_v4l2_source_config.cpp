/* SPDX-License-Identifier: MIT */
#include <cerrno>

#include <gtest/gtest.h>

#include "base/event_loop.h"
#include "base/pixel_format.h"
#include "pipeline/stats.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"

using namespace primecam;

/*
 * What V4l2Source refuses before it touches a device: these run on any
 * host. Streaming is tested against vivid in the VM
 * (tests/vm/device/v4l2/).
 */

namespace {

CaptureConfig xrgb(std::string device)
{
	CaptureConfig config;
	config.device = std::move(device);
	config.format = formatByName("XRGB8888");
	config.width = 640;
	config.height = 480;
	return config;
}

} /* namespace */

TEST(V4l2SourceConfig, MissingPathNamesItWithEnoent)
{
	V4l2Source source(xrgb("/dev/primecam-no-such-video-node"));
	Result<void> ret = source.configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_EQ(ret.error().code, ENOENT);
	EXPECT_NE(ret.error().message.find("/dev/primecam-no-such-video-node"), std::string::npos)
		<< ret.error().message;
	EXPECT_NE(ret.error().message.find("ENOENT"), std::string::npos) << ret.error().message;
	EXPECT_TRUE(source.buffers().empty());
}

TEST(V4l2SourceConfig, UnknownDriverSaysWhatExists)
{
	V4l2Source source(xrgb("primecam-no-such-driver"));
	Result<void> ret = source.configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_EQ(ret.error().code, ENODEV);
	EXPECT_NE(ret.error().message.find("\"primecam-no-such-driver\""), std::string::npos)
		<< ret.error().message;
	EXPECT_NE(ret.error().message.find("capture nodes present:"), std::string::npos)
		<< ret.error().message;
}

TEST(V4l2SourceConfig, NotAVideoNodeIsRefusedByName)
{
	V4l2Source source(xrgb("/dev/null"));
	Result<void> ret = source.configure();
	ASSERT_FALSE(ret.ok());
	/* /dev/null answers VIDIOC_QUERYCAP with ENOTTY. */
	EXPECT_EQ(ret.error().code, ENOTTY) << ret.error().message;
	EXPECT_NE(ret.error().message.find("/dev/null"), std::string::npos) << ret.error().message;
}

TEST(V4l2SourceConfig, DmabufWithoutAllocatorIsRefused)
{
	CaptureConfig config = xrgb("vivid");
	config.memory = CaptureConfig::Memory::Dmabuf;
	V4l2Source source(config);
	Result<void> ret = source.configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_EQ(ret.error().code, EINVAL);
	EXPECT_NE(ret.error().message.find("allocator"), std::string::npos) << ret.error().message;
}

TEST(V4l2SourceConfig, IncompleteConfigsAreRefused)
{
	CaptureConfig noFormat = xrgb("vivid");
	noFormat.format = nullptr;
	Result<void> ret = V4l2Source(noFormat).configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("no pixel format"), std::string::npos);

	CaptureConfig noSize = xrgb("vivid");
	noSize.height = 0;
	ret = V4l2Source(noSize).configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("no frame size"), std::string::npos);

	CaptureConfig noDevice = xrgb("");
	ret = V4l2Source(noDevice).configure();
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("no device"), std::string::npos);
}

TEST(V4l2SourceConfig, StartBeforeConfigureIsAnError)
{
	V4l2Source source(xrgb("vivid"));
	EXPECT_EQ(source.describe(), "vivid XRGB8888 640x480");

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok()) << loop.error().message;
	PipelineStats stats;
	bool called = false;
	Result<void> ret = source.start(
		**loop, stats, [&](FrameRef) { called = true; },
		[&](const Error &) { called = true; });
	ASSERT_FALSE(ret.ok());
	EXPECT_EQ(ret.error().code, EINVAL);
	EXPECT_NE(ret.error().message.find("before configure()"), std::string::npos)
		<< ret.error().message;
	EXPECT_FALSE(source.isStreaming());
	EXPECT_FALSE(called);
	source.stop(); /* harmless when not streaming */
}

TEST(V4l2SourceConfig, NonContiguousNamesAreTheMFourccs)
{
	EXPECT_TRUE(V4l2Source::namesNonContiguous("NM12"));
	EXPECT_TRUE(V4l2Source::namesNonContiguous("YM12"));
	EXPECT_TRUE(V4l2Source::namesNonContiguous("NM16"));
	EXPECT_FALSE(V4l2Source::namesNonContiguous("NV12"));
	EXPECT_FALSE(V4l2Source::namesNonContiguous("XR24"));
	EXPECT_FALSE(V4l2Source::namesNonContiguous("NM1"));
}

TEST(VideoDevice, OpenNamesTheNodeAndErrno)
{
	Result<VideoDevice> dev = VideoDevice::open("/dev/primecam-no-such-video-node");
	ASSERT_FALSE(dev.ok());
	EXPECT_EQ(dev.error().code, ENOENT);
	EXPECT_NE(dev.error().message.find("/dev/primecam-no-such-video-node"), std::string::npos);

	dev = VideoDevice::open("/dev/null");
	ASSERT_FALSE(dev.ok());
	EXPECT_EQ(dev.error().code, ENOTTY);
	EXPECT_NE(dev.error().message.find("VIDIOC_QUERYCAP on /dev/null"), std::string::npos)
		<< dev.error().message;
}
