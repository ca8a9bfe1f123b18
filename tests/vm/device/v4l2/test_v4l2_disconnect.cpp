/* SPDX-License-Identifier: MIT */
#include <algorithm>
#include <cerrno>
#include <vector>

#include <gtest/gtest.h>

#include "../device_test.h"
#include "base/event_loop.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

namespace {

struct VividNode {
	std::string path;
	std::string bus; /* "platform:vivid-001": one per instance */
	bool mplane;
};

/* The capture node of the last vivid instance (by bus, not node number). */
std::optional<VividNode> lastVividInstance()
{
	std::optional<VividNode> last;
	for (const std::string &path : VideoDevice::listNodes()) {
		auto dev = VideoDevice::open(path);
		if (!dev || dev->driver() != "vivid" || !(dev->caps() & V4L2_CAP_STREAMING))
			continue;
		if (!(dev->caps() & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)))
			continue;
		if (!last || dev->busInfo() > last->bus)
			last = VividNode{path, dev->busInfo(), dev->isMultiplanar()};
	}
	return last;
}

} /* namespace */

/*
 * vivid's "Disconnect" button simulates pulling a USB camera: every node of
 * its instance answers ENODEV until the last file open on the instance is
 * closed, when vivid re-registers them ("reconnect"). So the node working
 * again after the source is gone is itself the proof that nothing of it
 * leaked (an fd still open would keep the instance dead).
 */
TEST(V4l2Disconnect, PulledCameraIsReportedAndNothingLeaks)
{
	std::optional<VividNode> target = lastVividInstance();
	PRIMECAM_NEED_DEVICE(target.has_value(), "a vivid capture node");
	const std::string node = target->path;
	const bool mplane = target->mplane;

	const int fds = openFdCount();
	const int maps = mappingCount();
	{
		auto loop = EventLoop::create();
		ASSERT_TRUE(loop.ok());
		auto control = VideoDevice::open(node);
		ASSERT_TRUE(control.ok()) << control.error().message;

		CaptureConfig config = vividConfig(mplane ? CaptureConfig::Api::MultiPlanar
							  : CaptureConfig::Api::SinglePlanar,
						   "XRGB8888");
		config.device = node;
		V4l2Source source(config);
		Result<void> ret = source.configure();
		ASSERT_TRUE(ret.ok()) << ret.error().message;

		SourceRun run;
		runSource(**loop, source, 1000, run, [&](uint64_t n) {
			if (n != 5)
				return;
			Result<void> pressed = control->setControl("Disconnect", 1);
			EXPECT_TRUE(pressed.ok()) << pressed.error().message;
		});
		EXPECT_EQ(run.code, 1) << "the loop did not end on the error";
		ASSERT_TRUE(run.error.has_value()) << "no error after the disconnect";
		EXPECT_GE(run.frames, 5u);
		EXPECT_LT(run.frames, 1000u);
		const Error &err = *run.error;
		EXPECT_TRUE(err.code == ENODEV || err.code == EIO) << err.message;
		EXPECT_NE(err.message.find("capture device " + node + " (vivid) lost"),
			  std::string::npos)
			<< err.message;

		/* stop() after the loss, then the sink lets go: neither may touch
		 * the dead device in a way that fails loudly or leaks. */
		source.stop();
		EXPECT_FALSE(source.isStreaming());
		run.held.reset();
		ret = source.start(
			**loop, run.stats, [](FrameRef) {}, [](const Error &) {});
		EXPECT_FALSE(ret.ok()) << "start() on a lost device";
	}
	EXPECT_EQ(openFdCount(), fds) << "fds left open after the source was destroyed";
	EXPECT_EQ(mappingCount(), maps);
	/* The instance came back when its last user (the source's fd, then
	 * the control handle) closed. */
	auto reopened = VideoDevice::open(node);
	EXPECT_TRUE(reopened.ok()) << node << " did not reconnect: " << reopened.error().message;
}
