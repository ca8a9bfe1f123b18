/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <deque>
#include <set>

#include <gtest/gtest.h>

#include "../device_test.h"
#include "../device_util.h"
#include "base/event_loop.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

/*
 * A fatal streaming error (vivid's "Inject Fatal Streaming Error": vb2's
 * queue in its error state, EIO at every DQBUF) is restarted by the source:
 * STREAMOFF, the free buffers queued again, STREAMON. A buffer a sink holds
 * across the restart (the frame on screen) is not queued until it comes back.
 */

namespace {

using Api = CaptureConfig::Api;

void pressFatalError(const std::string &node)
{
	Result<void> pressed = test::setDeviceControl(node, "Inject Fatal Streaming Error", 1);
	ASSERT_TRUE(pressed.ok()) << pressed.error().message;
}

} /* namespace */

TEST(V4l2Restart, FatalStreamingErrorRestartsAndFramesGoOnInOrder)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	CaptureConfig config = vividConfig(Api::SinglePlanar, "XRGB8888");
	config.buffers = 2;
	V4l2Source source(config);
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	SourceRun run;
	std::vector<uint64_t> sequences;
	uint32_t heldAtError = 0;
	bool heldCameBackWhileHeld = false;
	runSource(**loop, source, 20, run, [&](uint64_t n) {
		sequences.push_back(run.held.metadata().sequence);
		/* With 2 buffers and one held, the restart queues the other
		 * one only; the held one must not arrive again before the
		 * next frame replaced it (runSource holds the newest). */
		if (n == 5) {
			heldAtError = run.held.buffer().index;
			pressFatalError(node);
		}
		if (n == 6 && run.stats.restartCount() == 1)
			heldCameBackWhileHeld = run.held.buffer().index == heldAtError;
	});
	ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "timeout");
	EXPECT_EQ(run.stats.restartCount(), 1u);
	EXPECT_FALSE(heldCameBackWhileHeld)
		<< "buffer " << heldAtError << " was delivered again while a sink held it";
	for (size_t i = 1; i < sequences.size(); ++i)
		EXPECT_GT(sequences[i], sequences[i - 1]) << "frame " << i;
	source.stop();
	run.held.reset();
}

/*
 * Every buffer held by sinks when the error comes: STREAMON with nothing
 * queued would have vb2 report EPOLLERR until a QBUF, so the stream comes
 * back with the first buffer a sink lets go.
 */
TEST(V4l2Restart, WithEveryBufferHeldTheStreamResumesWhenOneComesBack)
{
	const std::string node = vividNode(Api::SinglePlanar);
	PRIMECAM_NEED_DEVICE(!node.empty(), "vivid single-planar capture");
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	CaptureConfig config = vividConfig(Api::SinglePlanar, "XRGB8888");
	config.buffers = 2;
	V4l2Source source(config);
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	PipelineStats stats;
	std::optional<Error> error;
	std::deque<FrameRef> held;
	uint64_t frames = 0;
	uint64_t framesAtRelease = 0;
	ret = source.start(
		**loop, stats,
		[&](FrameRef frame) {
			++frames;
			/* Both buffers kept: the camera then has none. */
			held.push_back(std::move(frame));
			if (held.size() == 2 && stats.restartCount() == 0)
				pressFatalError(node);
			if (framesAtRelease && frames >= framesAtRelease + 5)
				(*loop)->exit(0);
			/* After the restart, one held as a display would:
			 * two would starve the camera again. */
			while (held.size() > (framesAtRelease ? 1u : 2u))
				held.pop_front();
		},
		[&](const Error &e) {
			error = e;
			(*loop)->exit(1);
		});
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	/* Polled: once the restart is counted, the sinks let go of one buffer
	 * after the other, as flips would. */
	auto poll = (*loop)->addTimer(std::chrono::milliseconds(50), std::chrono::milliseconds(50),
				      [&] {
					      if (stats.restartCount() == 1 && !framesAtRelease) {
						      framesAtRelease = frames;
						      held.pop_front();
					      }
				      });
	ASSERT_TRUE(poll.ok());
	auto timeout = (*loop)->addTimer(std::chrono::seconds(60), std::chrono::seconds(0),
					 [&] { (*loop)->exit(-ETIMEDOUT); });
	ASSERT_TRUE(timeout.ok());
	int code = (*loop)->run();
	ASSERT_EQ(code, 0) << (error ? error->message
				     : "timeout, frames " + std::to_string(frames));
	EXPECT_EQ(stats.restartCount(), 1u);
	EXPECT_GE(frames, framesAtRelease + 5);
	source.stop();
	held.clear();
}
