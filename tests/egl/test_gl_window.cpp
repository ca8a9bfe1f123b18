/* SPDX-License-Identifier: MIT */
/*
 * gl-window on the host, under Xvfb: a fake source's frames (memfd memory,
 * a known XRGB8888 pattern) through the engine into a GLFW window. The X
 * server's own image of the window (XGetImage) must show the frame,
 * letterboxed; under Xvfb (llvmpipe, no dma-buf import) every frame is an
 * upload, counted; a window manager's close (WM_DELETE_WINDOW) ends the
 * run with 0. A pattern made for the purpose, where the letterboxing and
 * the exact counts of a paced source show; the same sink on vivid, inside
 * the test VM, is tests/vm/device/egl/test_gl_window_vivid.cpp.
 *
 * Skipped where Xvfb is not installed, unless PRIMECAM_REQUIRE_XVFB=1
 * (tests/run-all.sh sets it, having installed xvfb): then that is a failure.
 */
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/mman.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "base/event_loop.h"
#include "egl/gl_window_sink.h"
#include "pipeline/engine.h"
#include "pipeline/stats.h"
#include "tests/egl/x11_window.h"
#include "tests/egl/xvfb.h"
#include "tests/pipeline/fake_pipeline.h"
#include "tests/pipeline/stage_test_util.h"

using namespace primecam;

namespace {

bool xvfbRequired()
{
	const char *value = std::getenv("PRIMECAM_REQUIRE_XVFB");
	return value && value[0] != '\0' && std::strcmp(value, "0") != 0;
}

/* The frame: 16:9, so that a 4:3 window letterboxes it; every pixel
 * different enough that a flip, a shift or a swap of R and B shows. */
constexpr uint32_t kFrameWidth = 160;
constexpr uint32_t kFrameHeight = 90;
constexpr int kWindowWidth = 320;
constexpr int kWindowHeight = 240;
constexpr uint64_t kFrames = 30;

uint32_t patternAt(uint32_t x, uint32_t y)
{
	uint32_t r = (x * 255) / (kFrameWidth - 1);
	uint32_t g = (y * 255) / (kFrameHeight - 1);
	uint32_t b = ((x / 20) + (y / 15)) % 2 ? 0xe0 : 0x20;
	return (r << 16) | (g << 8) | b; /* XRGB8888 as a little-endian word */
}

bool sameColour(uint32_t a, uint32_t b)
{
	for (int shift = 0; shift < 24; shift += 8) {
		int ca = static_cast<int>((a >> shift) & 0xff);
		int cb = static_cast<int>((b >> shift) & 0xff);
		if (std::abs(ca - cb) > 2)
			return false;
	}
	return true;
}

/* Each test on its own Xvfb, DISPLAY pointing at it. */
class GlWindow : public ::testing::Test
{
protected:
	void SetUp() override
	{
		std::string binary = test::Xvfb::find();
		if (binary.empty()) {
			if (xvfbRequired())
				FAIL() << "Xvfb is not installed while PRIMECAM_REQUIRE_XVFB is "
					  "set (apt-get install xvfb)";
			GTEST_SKIP() << "Xvfb is not installed (apt-get install xvfb)";
		}
		Result<void> started = xvfb_.start(binary);
		ASSERT_TRUE(started) << started.error().message;
	}

private:
	test::Xvfb xvfb_;
};

} /* namespace */

TEST_F(GlWindow, XvfbShowsTheFrameLetterboxedCountsUploadsAndClosesCleanly)
{
	test::MemfdBuffer memory(*formatByName("XRGB8888"), kFrameWidth, kFrameHeight,
				 {kFrameWidth * 4});
	{
		size_t size = static_cast<size_t>(kFrameWidth) * 4 * kFrameHeight;
		void *map = ::mmap(nullptr, size, PROT_WRITE, MAP_SHARED, memory.memory.fd(), 0);
		ASSERT_NE(map, MAP_FAILED);
		auto *pixels = static_cast<uint32_t *>(map);
		for (uint32_t y = 0; y < kFrameHeight; ++y)
			for (uint32_t x = 0; x < kFrameWidth; ++x)
				pixels[y * kFrameWidth + x] = patternAt(x, y);
		::munmap(map, size);
	}

	std::unique_ptr<EventLoop> loop = std::move(EventLoop::create()).value();
	/* Four slots over the one memfd: the frames differ only by sequence. */
	auto source = std::make_unique<test::FakeSource>(4, memory.buffer);
	test::FakeSource *src = source.get();
	GlSinkConfig config;
	config.width = kWindowWidth;
	config.height = kWindowHeight;
	config.title = "primecam gl-window test";
	auto sink = std::make_unique<GlWindowSink>(config);
	GlWindowSink *window = sink.get();
	/* A memfd is no dma-buf: record the SYNC bracket instead. */
	test::SyncLog::calls().clear();
	window->setSyncFunction(&test::SyncLog::record);
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::move(sink));
	Engine engine(*loop, std::move(source), std::move(sinks));

	Result<void> configured = engine.configure();
	ASSERT_TRUE(configured) << configured.error().message;
	ASSERT_TRUE(window->renderer()->uploading())
		<< "Xvfb's llvmpipe offers no dma-buf import: the upload should run";
	Result<void> started = engine.start();
	ASSERT_TRUE(started) << started.error().message;

	const SinkStats &stats = engine.stats().sinks.at(0);

	/* One frame at a time, the next once the last is shown, so that none
	 * is dropped and the counts are exact; then the screenshot, then a
	 * window manager's close. */
	uint64_t emitted = 0;
	std::optional<Result<Image>> screenshot;
	bool closeSent = false;
	Result<EventLoop::TimerId> pace =
		loop->addTimer(std::chrono::milliseconds(5), std::chrono::milliseconds(5), [&] {
			if (stats.displayed < emitted || closeSent)
				return;
			if (emitted < kFrames) {
				if (src->emit(emitted))
					++emitted;
				return;
			}
			screenshot = test::windowImage(window->window());
			test::sendWindowManagerClose(window->window());
			closeSent = true;
		});
	ASSERT_TRUE(pace);
	/* A hang is a failure, not a stuck CI job. */
	Result<EventLoop::TimerId> deadline = loop->addTimer(
		std::chrono::seconds(60), std::chrono::nanoseconds(0), [&] { loop->exit(99); });
	ASSERT_TRUE(deadline);

	EXPECT_EQ(loop->run(), 0) << "closing the window must end the run with 0";
	EXPECT_FALSE(engine.error()) << engine.error()->message;
	loop->cancelTimer(*pace);
	loop->cancelTimer(*deadline);
	engine.stop();

	EXPECT_TRUE(closeSent);
	EXPECT_TRUE(window->closed());
	EXPECT_EQ(stats.received, kFrames);
	EXPECT_EQ(stats.displayed, kFrames);
	EXPECT_EQ(stats.copies, stats.displayed) << "every frame shown was an upload";
	EXPECT_EQ(test::SyncLog::starts(DMA_BUF_SYNC_READ), kFrames)
		<< "each upload reads the buffer inside DMA_BUF_IOCTL_SYNC";
	EXPECT_EQ(test::SyncLog::ends(DMA_BUF_SYNC_READ), kFrames);
	EXPECT_EQ(src->stoppedWithHeld, 0u) << "the sink released every buffer";

	ASSERT_TRUE(screenshot);
	ASSERT_TRUE(*screenshot) << screenshot->error().message;
	const Image &shot = screenshot->value();
	ASSERT_EQ(shot.width, static_cast<uint32_t>(kWindowWidth));
	ASSERT_EQ(shot.height, static_cast<uint32_t>(kWindowHeight));
	/* 160x90 in 320x240: scaled by 2 to 320x180, bars of 30 rows above
	 * and below; nearest-neighbour, so window pixel (x, y) is frame pixel
	 * (x / 2, (y - 30) / 2), top row first. */
	const int bar = (kWindowHeight - 180) / 2;
	int wrong = 0;
	for (int y = 0; y < kWindowHeight; ++y) {
		for (int x = 0; x < kWindowWidth; ++x) {
			uint32_t got;
			std::memcpy(&got, &shot.data[static_cast<size_t>(y) * shot.stride + x * 4],
				    4);
			got &= 0xffffff; /* XRGB8888's X byte is undefined */
			bool inFrame = y >= bar && y < kWindowHeight - bar;
			uint32_t want = inFrame ? patternAt(static_cast<uint32_t>(x / 2),
							    static_cast<uint32_t>((y - bar) / 2))
						: 0;
			if (!sameColour(got, want) && wrong++ < 5)
				ADD_FAILURE() << "window pixel (" << x << ", " << y << "): 0x"
					      << std::hex << got << ", expected 0x" << want
					      << std::dec << (inFrame ? "" : " (letterbox bar)");
		}
	}
	EXPECT_EQ(wrong, 0);
}

TEST_F(GlWindow, FullscreenTogglesToTheMonitorAndBack)
{
	test::MemfdBuffer memory(*formatByName("XRGB8888"), kFrameWidth, kFrameHeight,
				 {kFrameWidth * 4});
	GlSinkConfig config;
	config.width = kWindowWidth;
	config.height = kWindowHeight;
	GlWindowSink sink(config);
	sink.setSyncFunction(&test::SyncLog::record);
	Result<void> configured = sink.configure(std::span(&memory.buffer, 1));
	ASSERT_TRUE(configured) << configured.error().message;

	/* The X server applies the change asynchronously: poll until it did. */
	auto sizeBecomes = [&](int width, int height) {
		int w = 0, h = 0;
		for (int i = 0; i < 100; ++i) {
			glfwPollEvents();
			glfwGetFramebufferSize(sink.window(), &w, &h);
			if (w == width && h == height)
				return true;
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		}
		ADD_FAILURE() << "window is " << w << "x" << h << ", expected " << width << "x"
			      << height;
		return false;
	};
	EXPECT_TRUE(sizeBecomes(kWindowWidth, kWindowHeight));
	sink.toggleFullscreen();
	EXPECT_TRUE(sink.fullscreen());
	EXPECT_TRUE(sizeBecomes(test::Xvfb::kScreenWidth, test::Xvfb::kScreenHeight))
		<< "fullscreen: the whole Xvfb screen";
	sink.toggleFullscreen();
	EXPECT_FALSE(sink.fullscreen());
	EXPECT_TRUE(sizeBecomes(kWindowWidth, kWindowHeight)) << "back to the window's size";
}
