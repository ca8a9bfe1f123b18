/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include <gtest/gtest.h>

#include "../device_test.h"
#include "base/event_loop.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

namespace {

using Api = CaptureConfig::Api;

/* The index of vivid's first input whose name starts with prefix. */
std::optional<uint32_t> findInput(const VideoDevice &dev, const char *prefix)
{
	for (uint32_t index = 0;; ++index) {
		v4l2_input input = {};
		input.index = index;
		if (dev.ioctl(VIDIOC_ENUMINPUT, &input) < 0)
			return std::nullopt;
		if (std::strncmp(reinterpret_cast<const char *>(input.name), prefix,
				 std::strlen(prefix)) == 0)
			return index;
	}
}

/*
 * vivid's single-planar node switched to its HDMI input for the test, and
 * back to the webcam input, its own DV timings and a signal afterwards,
 * whatever the test did: the tests after it expect vivid as it boots.
 */
class VividHdmiInput : public ::testing::Test
{
protected:
	void SetUp() override
	{
		node = vividNode(Api::SinglePlanar);
		PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");
		Result<VideoDevice> opened = VideoDevice::open(node);
		ASSERT_TRUE(opened.ok()) << opened.error().message;
		control = std::move(*opened);
		Result<uint32_t> current = control->currentInput();
		ASSERT_TRUE(current.ok()) << current.error().message;
		webcam = *current;
		std::optional<uint32_t> found = findInput(*control, "HDMI");
		ASSERT_TRUE(found.has_value()) << node << " has no HDMI input";
		hdmi = *found;
		ASSERT_TRUE(control->setInput(hdmi).ok());
		ASSERT_EQ(control->ioctl(VIDIOC_G_DV_TIMINGS, &original), 0);
		/* vivid's HDMI input runs at its DV timings, 1280x720p60. */
		ASSERT_EQ(original.bt.width, 1280u);
		switched = true;
		Result<std::unique_ptr<EventLoop>> created = EventLoop::create();
		ASSERT_TRUE(created.ok()) << created.error().message;
		loop = std::move(*created);
	}

	void TearDown() override
	{
		if (!switched)
			return;
		EXPECT_TRUE(control->setControl("DV Timings Signal Mode", 0).ok());
		EXPECT_EQ(control->ioctl(VIDIOC_S_DV_TIMINGS, &original), 0) << strerror(errno);
		Result<void> restored = control->setInput(webcam);
		EXPECT_TRUE(restored.ok()) << restored.error().message;
	}

	/* A source on the HDMI input at its timings. */
	CaptureConfig hdmiConfig() const
	{
		CaptureConfig config = vividConfig(Api::SinglePlanar, "XRGB8888", 1280, 720);
		config.device = node;
		config.fps = 0;
		config.input = hdmi;
		return config;
	}

	/* Configures source and streams up to 100 frames, turning the
	 * input's controls with change() at the second. */
	void streamAndChange(V4l2Source &source, SourceRun &run,
			     const std::function<void()> &change)
	{
		Result<void> ret = source.configure();
		ASSERT_TRUE(ret.ok()) << ret.error().message;
		runSource(*loop, source, 100, run, [&](uint64_t n) {
			if (n == 2)
				change();
		});
	}

	std::string node;
	/* A second open of the node, for the controls a test turns. */
	std::optional<VideoDevice> control;
	uint32_t webcam = 0;
	uint32_t hdmi = 0;
	v4l2_dv_timings original = {};
	bool switched = false;
	std::unique_ptr<EventLoop> loop;
};

} /* namespace */

/*
 * A buffer the driver flags V4L2_BUF_FLAG_ERROR (vivid's "Inject
 * V4L2_BUF_FLAG_ERROR" button flags the next one) is counted and requeued,
 * never delivered; streaming goes on.
 */
TEST(V4l2Events, ErrorFlaggedBufferIsCountedNotDelivered)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");

	auto control = VideoDevice::open(node);
	ASSERT_TRUE(control.ok()) << control.error().message;
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	V4l2Source source(vividConfig(Api::SinglePlanar, "XRGB8888"));
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	SourceRun run;
	std::vector<uint64_t> sequences;
	runSource(**loop, source, 15, run, [&](uint64_t n) {
		sequences.push_back(run.held.metadata().sequence);
		if (n == 3) {
			Result<void> pressed = control->setControl("Inject V4L2_BUF_FLAG_ERROR", 1);
			EXPECT_TRUE(pressed.ok()) << pressed.error().message;
		}
	});
	ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "");
	EXPECT_EQ(run.stats.captureErrors, 1u);
	EXPECT_FALSE(run.error.has_value());
	/* The flagged frame's sequence number is missing from what arrived. */
	uint64_t gaps = 0;
	for (size_t i = 1; i < sequences.size(); ++i)
		gaps += sequences[i] - sequences[i - 1] - 1;
	EXPECT_GE(gaps, 1u);
	source.stop();
	run.held.reset();
}

/*
 * V4L2_EVENT_SOURCE_CHANGE on the captured input when it lost its signal
 * (vivid's HDMI input with "No Signal"): there is no picture to follow, and
 * the stream ends with an error naming the device and the input.
 */
TEST_F(VividHdmiInput, SourceChangeToNoSignalIsAnErrorNamingTheDevice)
{
	V4l2Source source(hdmiConfig());
	SourceRun run;
	streamAndChange(source, run, [&] {
		Result<void> set = control->setControl("DV Timings Signal Mode", 1);
		EXPECT_TRUE(set.ok()) << set.error().message; /* "No Signal" */
	});
	if (HasFatalFailure())
		return;
	EXPECT_EQ(run.code, 1);
	ASSERT_TRUE(run.error.has_value()) << "no error after the source change";
	EXPECT_EQ(run.error->code, ENOLINK) << run.error->message;
	EXPECT_NE(run.error->message.find(node + " (vivid): input " + std::to_string(hdmi) +
					  " changed and has no usable signal"),
		  std::string::npos)
		<< run.error->message;
	EXPECT_LT(run.frames, 100u);
	source.stop();
	run.held.reset();
}

/*
 * The HDMI source switches to another mode (vivid's "Selected DV Timings"):
 * the source ends its stream saying the new size, and the next configure()
 * sets the new timings and captures at that size.
 */
TEST_F(VividHdmiInput, SourceChangeOfResolutionIsFollowedByTheNextConfigure)
{
	V4l2Source source(hdmiConfig());
	SourceRun run;
	streamAndChange(source, run, [&] {
		/* The first preset, CEA-861 640x480p59.94. */
		EXPECT_TRUE(control->setControl("DV Timings", 0).ok());
		Result<void> set = control->setControl("DV Timings Signal Mode", 4);
		EXPECT_TRUE(set.ok()) << set.error().message; /* "Selected DV Timings" */
	});
	if (HasFatalFailure())
		return;
	ASSERT_TRUE(run.error.has_value()) << "no source change in 100 frames";
	EXPECT_EQ(run.error->code, Source::kSourceChanged) << run.error->message;
	EXPECT_NE(run.error->message.find(node + " (vivid): the input changed to 640x480"),
		  std::string::npos)
		<< run.error->message;
	source.stop();
	run.held.reset();

	/* Configured again: the new timings, buffers of the new size. */
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	EXPECT_EQ(source.layout().width, 640u);
	EXPECT_EQ(source.layout().height, 480u);
	ASSERT_FALSE(source.buffers().empty());
	EXPECT_EQ(source.buffers()[0].width, 640u);
	SourceRun again;
	runSource(*loop, source, 5, again);
	EXPECT_EQ(again.code, 0) << (again.error ? again.error->message : "timeout");
	source.stop();
	again.held.reset();
}
