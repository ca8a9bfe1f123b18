/* SPDX-License-Identifier: MIT */
/*
 * Several cameras on one display: vivid instances (the VM boots ten, nine
 * of them single-planar), each with its own test pattern, each an Engine on
 * one event loop, their kms sinks sharing one KmsDisplay on vkms: one CRTC,
 * a plane each, one commit per vblank for all of them. The writeback shows
 * each camera's frame, as captured, in its own place.
 */
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "base/event_loop.h"
#include "drm/kms_display.h"
#include "drm/kms_sink.h"
#include "pipeline/engine.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/e2e/writeback_check.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"

using namespace std::chrono_literals;

namespace primecam::test {

namespace {

/* vivid's "Test Pattern" menu: 100% red, green, blue, white, then colour
 * bars, squares and checkers: every camera shows something else, so a
 * plane showing another camera's frame cannot pass. */
constexpr int64_t kPatterns[] = {7, 8, 9, 6, 1, 4, 10, 0, 3};

std::vector<std::string> vividCameras()
{
	return VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
}

/* A camera's frame size and where its sink puts it. */
struct CameraSpec {
	uint32_t width;
	uint32_t height;
	KmsSinkConfig sink;
};

/* Cameras in order, each vivid -> tap -> a kms sink on the one shared
 * display, each its own Engine on the one loop. */
struct Cameras {
	std::unique_ptr<EventLoop> loop;
	std::shared_ptr<KmsDisplay> display = std::make_shared<KmsDisplay>("vkms");
	std::vector<std::unique_ptr<Engine>> engines;
	std::vector<KmsSink *> sinks;
	std::vector<ReferenceStage *> taps;

	explicit Cameras(const std::vector<CameraSpec> &specs)
	{
		loop = std::move(EventLoop::create()).value();
		std::vector<std::string> nodes = vividCameras();
		for (size_t i = 0; i < specs.size() && i < nodes.size(); ++i) {
			CaptureConfig capture =
				vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888",
					    specs[i].width, specs[i].height);
			capture.device = nodes[i];
			capture.controls.emplace_back("Test Pattern", kPatterns[i]);
			/* Start of exposure: a real time (e2e_pipeline.cpp). */
			capture.controls.emplace_back("Timestamp Source", 1);
			std::vector<std::unique_ptr<Stage>> stages;
			auto tap = std::make_unique<ReferenceStage>();
			taps.push_back(tap.get());
			stages.push_back(std::move(tap));
			display->attach();
			auto sink = std::make_unique<KmsSink>(specs[i].sink, display);
			sinks.push_back(sink.get());
			std::vector<std::unique_ptr<Sink>> sinkList;
			sinkList.push_back(std::move(sink));
			auto engine = std::make_unique<Engine>(
				*loop, std::make_unique<V4l2Source>(capture, std::nullopt),
				std::move(stages), std::move(sinkList));
			/* No engine ends the loop: the test does. */
			engine->setOnFinished([](int) {});
			engines.push_back(std::move(engine));
		}
	}

	~Cameras() { stop(); }

	/* Configures and starts every engine, in order; the first error. */
	Result<void> start()
	{
		for (auto &engine : engines) {
			Result<void> ret = engine->configure();
			if (!ret)
				return ret;
		}
		for (auto &engine : engines) {
			Result<void> ret = engine->start();
			if (!ret)
				return ret;
		}
		return {};
	}

	void stop()
	{
		for (auto &engine : engines)
			engine->stop();
	}

	uint64_t displayed(size_t i) const { return engines[i]->stats().sinks.front().displayed; }

	/* Runs the loop until every camera but those in `except` showed
	 * `frames` more frames; false after the time limit. */
	bool runUntilEachShows(uint64_t frames, const std::vector<size_t> &except = {})
	{
		std::vector<uint64_t> goal;
		for (size_t i = 0; i < engines.size(); ++i)
			goal.push_back(displayed(i) + frames);
		auto done = [&] {
			for (size_t i = 0; i < engines.size(); ++i)
				if (std::find(except.begin(), except.end(), i) == except.end() &&
				    displayed(i) < goal[i])
					return false;
			return true;
		};
		bool timedOut = false;
		auto poll = loop->addTimer(20ms, 20ms, [&] {
			if (done())
				loop->exit(0);
		});
		auto limit = loop->addTimer(std::chrono::seconds(60 + frames), 0s, [&] {
			timedOut = true;
			loop->exit(2);
		});
		loop->run();
		if (poll)
			loop->cancelTimer(*poll);
		if (limit && !timedOut)
			loop->cancelTimer(*limit);
		return !timedOut;
	}

	std::string errors() const
	{
		std::string text;
		for (const auto &engine : engines)
			if (engine->error())
				text += engine->error()->message + "; ";
		return text.empty() ? "(no error)" : text;
	}
};

KmsSinkConfig mosaicCell(size_t cell, size_t cells)
{
	KmsSinkConfig config =
		vkmsSinkConfig(KmsSinkConfig::Plane::Overlay, KmsSinkConfig::Placement::Mosaic);
	config.mode = ModeRequest::parse("1280x960");
	config.cell = static_cast<uint32_t>(cell);
	config.cells = static_cast<uint32_t>(cells);
	return config;
}

std::vector<CameraSpec> mosaic(size_t n, uint32_t width, uint32_t height)
{
	std::vector<CameraSpec> specs;
	for (size_t i = 0; i < n; ++i)
		specs.push_back({width, height, mosaicCell(i, n)});
	return specs;
}

bool haveCameras(size_t n)
{
	return vividCameras().size() >= n && Card::openByDriver("vkms").ok();
}

/* Each camera's plane shows, where its sink says, its own frame as captured. */
void expectEachShowsItsOwnFrame(Cameras &c, const std::vector<size_t> &which)
{
	for (size_t i : which) {
		const ScreenRect &rect = c.sinks[i]->output()->rect();
		std::string first;
		Result<size_t> diffs = writebackDiffersFromCapture(
			*c.sinks[i], *c.taps[i], static_cast<uint32_t>(rect.x),
			static_cast<uint32_t>(rect.y), &first);
		ASSERT_TRUE(diffs.ok()) << "camera " << i << ": " << diffs.error().message;
		EXPECT_EQ(*diffs, 0u) << "camera " << i << " at " << rect.describe()
				      << " does not show its own frame as captured: " << first;
	}
}

/* One commit per vblank for every plane, never two in flight, never EBUSY:
 * with cameras outpacing the display, commits carry several planes. */
void expectBatchedCommits(const Cameras &c)
{
	const DisplayCounters &counters = c.display->counters();
	EXPECT_EQ(counters.overlapping, 0u) << "a commit was issued with another in flight";
	EXPECT_EQ(counters.busy, 0u) << "the CRTC answered EBUSY";
	EXPECT_GT(counters.commits, 0u);
	EXPECT_GT(counters.planeUpdates, counters.commits)
		<< "no commit carried more than one camera's plane: " << counters.commits
		<< " commits for " << counters.planeUpdates << " plane updates";
	EXPECT_GE(counters.maxPlanesPerCommit, 2u);
}

} /* namespace */

TEST(Cameras, FourInAMosaicEachShowsItsOwnFrameInItsQuadrant)
{
	PRIMECAM_NEED_DEVICE(haveCameras(4), "four single-planar vivid cameras and vkms");
	extendTestTimeout(300);
	Cameras c(mosaic(4, 640, 480));
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(c.runUntilEachShows(40)) << c.errors();

	/* 2x2 cells of 640x480 on 1280x960: the quadrants, in order. */
	const ScreenRect quadrants[] = {
		{0, 0, 640, 480}, {640, 0, 640, 480}, {0, 480, 640, 480}, {640, 480, 640, 480}};
	for (size_t i = 0; i < 4; ++i) {
		EXPECT_EQ(c.sinks[i]->output()->rect(), quadrants[i]) << "camera " << i;
		EXPECT_EQ(c.sinks[i]->output()->plane().type, KmsPlane::Type::Overlay);
	}
	expectEachShowsItsOwnFrame(c, {0, 1, 2, 3});
	expectBatchedCommits(c);
	for (size_t i = 0; i < 4; ++i)
		EXPECT_EQ(c.engines[i]->stats().copies(), 0u) << "camera " << i;
}

TEST(Cameras, EightOnEightOverlayPlanes)
{
	PRIMECAM_NEED_DEVICE(haveCameras(8), "eight single-planar vivid cameras and vkms");
	extendTestTimeout(400);
	/* 3x3 cells of 426x320 on 1280x960: 320x180 frames fit, unscaled
	 * (vkms cannot scale). */
	Cameras c(mosaic(8, 320, 180));
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(c.runUntilEachShows(20)) << c.errors();
	std::vector<uint32_t> planes;
	for (KmsSink *sink : c.sinks) {
		uint32_t plane = sink->output()->plane().id;
		EXPECT_EQ(std::count(planes.begin(), planes.end(), plane), 0)
			<< "plane " << plane << " shown by two sinks";
		planes.push_back(plane);
	}
	expectEachShowsItsOwnFrame(c, {0, 1, 2, 3, 4, 5, 6, 7});
	expectBatchedCommits(c);
}

TEST(Cameras, OneStoppedTheOthersGoOnAndItsCellGoesBlack)
{
	PRIMECAM_NEED_DEVICE(haveCameras(4), "four single-planar vivid cameras and vkms");
	extendTestTimeout(300);
	Cameras c(mosaic(4, 640, 480));
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(c.runUntilEachShows(20)) << c.errors();

	/* Camera 1's stream ends: its plane goes off, the others stream on. */
	c.engines[1]->stop();
	const uint64_t stoppedAt = c.displayed(1);
	ASSERT_TRUE(c.runUntilEachShows(20, {1})) << c.errors();
	EXPECT_EQ(c.displayed(1), stoppedAt);
	expectEachShowsItsOwnFrame(c, {0, 2, 3});

	Result<Image> image = c.sinks[0]->captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	size_t lit = 0;
	for (uint32_t y = 0; y < 480; ++y)
		for (uint32_t x = 640; x < 1280; ++x) {
			const uint8_t *px = &image->data[size_t{y} * image->stride + x * 4];
			lit += (px[0] | px[1] | px[2]) != 0;
		}
	EXPECT_EQ(lit, 0u) << "the stopped camera's quadrant must be black";
	EXPECT_EQ(c.display->counters().overlapping, 0u);
}

TEST(Cameras, PictureInPictureWithAnInset)
{
	PRIMECAM_NEED_DEVICE(haveCameras(2), "two single-planar vivid cameras and vkms");
	extendTestTimeout(300);
	/* A 640x480 main picture on the primary plane, on a 640x480 mode, and
	 * a 320x180 inset on an overlay. */
	auto pip = [](KmsSinkConfig::Plane plane, uint32_t cell) {
		KmsSinkConfig config = vkmsSinkConfig(plane, KmsSinkConfig::Placement::Pip);
		config.mode = ModeRequest::parse("640x480");
		config.cell = cell;
		config.cells = 2;
		return config;
	};
	Cameras c({{640, 480, pip(KmsSinkConfig::Plane::Primary, 0)},
		   {320, 180, pip(KmsSinkConfig::Plane::Overlay, 1)}});
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(c.runUntilEachShows(30)) << c.errors();

	EXPECT_EQ(c.sinks[0]->output()->rect(), (ScreenRect{0, 0, 640, 480}));
	EXPECT_EQ(c.sinks[0]->output()->plane().type, KmsPlane::Type::Primary);
	/* The inset in the bottom-right corner, 16 pixels in. */
	EXPECT_EQ(c.sinks[1]->output()->rect(),
		  (ScreenRect{640 - 16 - 320, 480 - 16 - 180, 320, 180}));
	EXPECT_EQ(c.display->counters().overlapping, 0u);
	/* The inset hides part of the main picture, which cannot be compared
	 * whole: the inset is. */
	expectEachShowsItsOwnFrame(c, {1});
	EXPECT_EQ(c.display->counters().busy, 0u);
}

TEST(Cameras, NineOnEightOverlaysIsRefusedWithTheCounts)
{
	PRIMECAM_NEED_DEVICE(haveCameras(9), "nine single-planar vivid cameras and vkms");
	extendTestTimeout(300);
	Cameras c(mosaic(9, 320, 180));
	Result<void> ret = c.start();
	ASSERT_FALSE(ret.ok()) << "nine overlay sinks on vkms's eight overlay planes";
	EXPECT_EQ(ret.error().code, ENOSPC) << ret.error().message;
	EXPECT_NE(ret.error().message.find("9 kms sinks"), std::string::npos)
		<< ret.error().message;
	EXPECT_NE(ret.error().message.find("8 overlay planes"), std::string::npos)
		<< ret.error().message;
	EXPECT_NE(ret.error().message.find("gl-kms"), std::string::npos) << ret.error().message;
}

} /* namespace primecam::test */
