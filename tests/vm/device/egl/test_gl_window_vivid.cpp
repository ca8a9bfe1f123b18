/* SPDX-License-Identifier: MIT */
/*
 * vivid -> gl-window inside the test VM, on an Xvfb started in the guest
 * (read-only root, tmpfs /tmp: Xvfb compiles its keymap into /tmp there).
 * The X server's own image of the window (XGetImage) must be the frame vivid
 * captured, pixel for pixel: the window has the frame's size, so nothing is
 * scaled, and vivid writes a frame counter into every frame, so another
 * frame than the one drawn last would show. vivid's buffers are not the X
 * server's, so every frame shown was an upload, counted; a window manager's
 * close (WM_DELETE_WINDOW) ends the run with 0, and no fd is left open.
 * Letterboxing and fullscreen are tested on the host with a pattern made for
 * them (tests/egl/test_gl_window.cpp).
 *
 * llvmpipe under emulation is slow (eglInitialize and the first draw take
 * seconds, a 640x480 draw about 100 ms): tens of frames.
 */
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/event_loop.h"
#include "egl/gl_window_sink.h"
#include "pipeline/engine.h"
#include "pipeline/stats.h"
#include "src/verify/reference_stage.h"
#include "tests/egl/x11_window.h"
#include "tests/egl/xvfb.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"
#include "v4l2/v4l2_source.h"

using namespace primecam;
using namespace primecam::test;
using namespace std::chrono_literals;

namespace {

constexpr uint64_t kCaptured = 40;
constexpr uint32_t kWidth = 640;
constexpr uint32_t kHeight = 480;

/* Each test on its own Xvfb, DISPLAY pointing at it. */
class GlWindow : public ::testing::Test
{
protected:
	void SetUp() override
	{
		PRIMECAM_NEED_DEVICE(!vividNode(CaptureConfig::Api::SinglePlanar).empty(),
				     "vivid single-planar capture");
		/* The guest runs the host's programs: tests/packages.txt
		 * installs xvfb, and a VM run without it must not pass. */
		std::string binary = Xvfb::find();
		PRIMECAM_NEED_DEVICE(!binary.empty(), "Xvfb (apt-get install xvfb)");
		Result<void> started = xvfb_.start(binary);
		ASSERT_TRUE(started) << started.error().message;
	}

private:
	Xvfb xvfb_;
};

TEST_F(GlWindow, VividFramesAreShownUploadedAndCountedAndCloseEndsTheRun)
{
	const int fds = openFdCount();
	{
		std::unique_ptr<EventLoop> loop = std::move(EventLoop::create()).value();
		std::vector<std::unique_ptr<Stage>> stages;
		/* every frame of the run: the one shown can be many captures
		 * old when llvmpipe runs on a loaded emulated host */
		auto tapStage = std::make_unique<ReferenceStage>(kCaptured);
		ReferenceStage *tap = tapStage.get();
		stages.push_back(std::move(tapStage));
		GlSinkConfig config;
		config.title = "primecam gl-window on vivid";
		auto sink = std::make_unique<GlWindowSink>(config);
		GlWindowSink *window = sink.get();
		std::vector<std::unique_ptr<Sink>> sinks;
		sinks.push_back(std::move(sink));
		Engine engine(
			*loop,
			std::make_unique<V4l2Source>(vividConfig(CaptureConfig::Api::SinglePlanar,
								 "XRGB8888", kWidth, kHeight)),
			std::move(stages), std::move(sinks));

		Result<void> configured = engine.configure();
		ASSERT_TRUE(configured) << configured.error().message;
		EXPECT_TRUE(window->renderer()->uploading())
			<< "vivid's buffers are foreign to Xvfb's llvmpipe: the upload should run; "
			<< window->renderer()->pathNote();
		Result<void> started = engine.start();
		ASSERT_TRUE(started) << started.error().message;
		/* A hang is a failure, not a stuck CI job. */
		Result<EventLoop::TimerId> deadline =
			loop->addTimer(120s, 0s, [&] { loop->exit(99); });
		ASSERT_TRUE(deadline);

		/* First the stream, until the frame limit ends the run. */
		engine.setFrameLimit(kCaptured);
		ASSERT_EQ(loop->run(), 0) << (engine.error() ? engine.error()->message : "timeout");

		/*
		 * Then, with capture over (the engine gives vivid every new
		 * frame straight back), the frames still in the tap or the
		 * window finish. Once none is in flight the window shows the
		 * last frame drawn: the screenshot, then a window manager's
		 * close, which alone can end this run with 0.
		 */
		const PipelineStats &all = engine.stats();
		const SinkStats &stats = all.sinks.at(0);
		auto idle = [&] {
			const StageStats &t = all.stages.at(0);
			return t.processed + t.droppedBehind == all.captured &&
			       stats.received == stats.displayed + stats.droppedTotal();
		};
		std::optional<Result<Image>> screenshot;
		uint64_t shown = 0;
		bool closeSent = false;
		Result<EventLoop::TimerId> watch = loop->addTimer(10ms, 10ms, [&] {
			if (closeSent || !idle())
				return;
			shown = window->lastSequence();
			screenshot = windowImage(window->window());
			sendWindowManagerClose(window->window());
			closeSent = true;
		});
		ASSERT_TRUE(watch);
		EXPECT_EQ(loop->run(), 0) << "closing the window must end the run with 0";
		loop->cancelTimer(*watch);
		loop->cancelTimer(*deadline);
		EXPECT_FALSE(engine.error()) << engine.error()->message;
		engine.stop();

		EXPECT_TRUE(closeSent) << "the window never became idle";
		EXPECT_TRUE(window->closed());
		printf("gl-window on vivid: %llu captured, %llu received, %llu shown, %llu "
		       "dropped, %llu copies\n",
		       static_cast<unsigned long long>(all.captured),
		       static_cast<unsigned long long>(stats.received),
		       static_cast<unsigned long long>(stats.displayed),
		       static_cast<unsigned long long>(stats.droppedTotal()),
		       static_cast<unsigned long long>(stats.copies));
		EXPECT_EQ(all.captured, kCaptured);
		/* shown, not a rate (llvmpipe on a loaded emulated host) */
		EXPECT_GE(stats.displayed, 1u);
		EXPECT_EQ(stats.copies, stats.displayed) << "every frame shown was an upload";
		EXPECT_EQ(stats.received, stats.displayed + stats.droppedTotal())
			<< "a frame the window took was neither shown nor counted as dropped";
		EXPECT_EQ(stats.dropped[static_cast<size_t>(DropReason::SinkError)], 0u);

		ASSERT_TRUE(screenshot);
		ASSERT_TRUE(*screenshot) << screenshot->error().message;
		const Image &shot = screenshot->value();
		ASSERT_EQ(shot.width, kWidth);
		ASSERT_EQ(shot.height, kHeight);
		const std::vector<uint8_t> *captured = tap->frame(shown);
		ASSERT_NE(captured, nullptr) << "frame " << shown << " no longer kept";
		std::string first;
		EXPECT_EQ(
			compareXrgb(shot, 0, 0, *captured, tap->stride(), kWidth, kHeight, &first),
			0u)
			<< "the window does not show frame " << shown << ": first difference "
			<< first;
	}
	/* The window, its EGL display and GLFW went with the sink; vivid's
	 * buffers with the source. */
	EXPECT_EQ(openFdCount(), fds) << "fds left open after teardown";
}

} /* namespace */
