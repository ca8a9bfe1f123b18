/* SPDX-License-Identifier: MIT */
/*
 * gl-kms composing several cameras into one buffer: nine vivid instances,
 * each with its own test pattern, 320x180 XRGB8888 captured into dumb
 * buffers of vkms (what llvmpipe imports for real), drawn by GL into their
 * cells of a 3x3 mosaic on one 1024x768 XRGB8888 buffer on vkms's primary
 * plane: nine cameras on a card whose eight overlays refuse them as planes
 * (test_cameras_vkms.cpp). What vkms scans out (its writeback) is checked
 * cell by cell against the frame each camera captured for the output on
 * screen, with no tolerance: the frames fit their cells, so every draw is
 * unscaled, and FrameRenderer samples XRGB8888 with texelFetch, which
 * copies each pixel's R, G and B exactly.
 */
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "alloc/dumb_allocator.h"
#include "base/event_loop.h"
#include "drm/card.h"
#include "egl/gl_composed_sink.h"
#include "egl/gl_composition.h"
#include "pipeline/engine.h"
#include "src/verify/reference_stage.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/v4l2/v4l2_test_helpers.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"

using namespace std::chrono_literals;

namespace primecam::test {

namespace {

/* vivid's "Test Pattern" menu, as in test_cameras_vkms.cpp: every camera
 * shows something else, so a cell showing another camera's frame fails. */
constexpr int64_t kPatterns[] = {7, 8, 9, 6, 1, 4, 10, 0, 3};
constexpr uint32_t kWidth = 320;
constexpr uint32_t kHeight = 180;

std::vector<std::string> vividCameras()
{
	return VideoDevice::findByDriver("vivid", V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
}

bool haveCameras(size_t n)
{
	return vividCameras().size() >= n && Card::openByDriver("vkms").ok();
}

KmsSinkConfig mosaicCell(size_t cell, size_t cells)
{
	KmsSinkConfig config =
		vkmsSinkConfig(KmsSinkConfig::Plane::Primary, KmsSinkConfig::Placement::Mosaic);
	config.mode = ModeRequest::parse("1024x768");
	config.cell = static_cast<uint32_t>(cell);
	config.cells = static_cast<uint32_t>(cells);
	return config;
}

/* A camera's frame size and its sink. */
struct CameraSpec {
	uint32_t width;
	uint32_t height;
	KmsSinkConfig sink;
};

std::vector<CameraSpec> mosaic(size_t n)
{
	std::vector<CameraSpec> specs;
	for (size_t i = 0; i < n; ++i)
		specs.push_back({kWidth, kHeight, mosaicCell(i, n)});
	return specs;
}

/* n cameras, each vivid -> tap -> its member of one composition, each its
 * own Engine on one loop. */
struct Composed {
	std::unique_ptr<EventLoop> loop;
	/* Before the engines: it outlives its members. */
	std::shared_ptr<GlComposition> composition;
	std::vector<std::unique_ptr<Engine>> engines;
	std::vector<ReferenceStage *> taps;

	explicit Composed(size_t n) : Composed(mosaic(n)) {}

	explicit Composed(const std::vector<CameraSpec> &specs)
	{
		loop = std::move(EventLoop::create()).value();
		composition = std::make_shared<GlComposition>(specs.front().sink);
		std::vector<std::string> nodes = vividCameras();
		for (size_t i = 0; i < specs.size() && i < nodes.size(); ++i) {
			CaptureConfig capture =
				vividConfig(CaptureConfig::Api::SinglePlanar, "XRGB8888",
					    specs[i].width, specs[i].height);
			capture.device = nodes[i];
			capture.buffers = 4;
			capture.memory = CaptureConfig::Memory::Dmabuf;
			capture.pool = CaptureConfig::Pool::Dumb;
			capture.poolCard = "vkms";
			capture.controls.emplace_back("Test Pattern", kPatterns[i]);
			capture.controls.emplace_back("Timestamp Source", 1);
			/* llvmpipe under emulation draws an output in 0.3 to
			 * 1.5 s, by the host's load: 5 fps keeps the frame on
			 * screen within the tap's 32 frames (6.4 s) however
			 * slow, where 25 fps lost it on a loaded host. */
			capture.fps = 5;
			std::vector<std::unique_ptr<Stage>> stages;
			auto tap = std::make_unique<ReferenceStage>(32);
			taps.push_back(tap.get());
			stages.push_back(std::move(tap));
			std::vector<std::unique_ptr<Sink>> sinks;
			sinks.push_back(std::make_unique<GlComposedSink>(
				specs[i].sink, GlSinkConfig{}, composition));
			auto engine = std::make_unique<Engine>(
				*loop,
				std::make_unique<V4l2Source>(
					capture, std::move(makeDumbAllocator("vkms")).value()),
				std::move(stages), std::move(sinks));
			engine->setOnFinished([](int) {});
			engines.push_back(std::move(engine));
		}
	}

	~Composed() { stop(); }

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

	const SinkStats &stats(size_t i) { return engines[i]->stats().sinks.front(); }

	/* Runs the loop until every camera but those in `except` showed
	 * `frames` more frames; false after the time limit. */
	bool runUntilEachShows(uint64_t frames, const std::vector<size_t> &except = {})
	{
		std::vector<uint64_t> goal;
		for (size_t i = 0; i < engines.size(); ++i)
			goal.push_back(stats(i).displayed + frames);
		auto done = [&] {
			for (size_t i = 0; i < engines.size(); ++i)
				if (std::find(except.begin(), except.end(), i) == except.end() &&
				    stats(i).displayed < goal[i])
					return false;
			return true;
		};
		bool timedOut = false;
		auto poll = loop->addTimer(20ms, 20ms, [&] {
			if (done())
				loop->exit(0);
		});
		auto limit = loop->addTimer(std::chrono::seconds(120 + 10 * frames), 0s, [&] {
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

	/* The cells of `which`, each against the frame its camera captured
	 * for the output on screen; and nothing lit outside the cells of
	 * `lit`. */
	void expectCellsShowTheirFrames(const std::vector<size_t> &which,
					const std::vector<size_t> &lit)
	{
		Result<Image> image = composition->kms().captureWriteback();
		ASSERT_TRUE(image.ok()) << image.error().message;
		ASSERT_EQ(image->width, composition->width());
		ASSERT_EQ(image->height, composition->height());
		for (size_t i : which) {
			const ScreenRect &rect = composition->rect(i);
			std::optional<FrameMetadata> shown = composition->onScreen(i);
			ASSERT_TRUE(shown) << "camera " << i << " is in no output on screen";
			std::vector<const std::vector<uint8_t> *> captured =
				taps[i]->frames(shown->sequence);
			ASSERT_FALSE(captured.empty()) << "camera " << i << ": frame "
						       << shown->sequence << " is no longer kept";
			size_t fewest = SIZE_MAX;
			std::string first;
			for (const std::vector<uint8_t> *bytes : captured) {
				std::string where;
				size_t diffs = compareXrgb(*image, static_cast<uint32_t>(rect.x),
							   static_cast<uint32_t>(rect.y), *bytes,
							   taps[i]->stride(), taps[i]->width(),
							   taps[i]->height(), &where);
				if (diffs < fewest) {
					fewest = diffs;
					first = where;
				}
			}
			EXPECT_EQ(fewest, 0u) << "camera " << i << " at " << rect.describe()
					      << ", frame " << shown->sequence << ": " << first;
		}
		size_t outside = 0;
		for (uint32_t y = 0; y < image->height; ++y) {
			for (uint32_t x = 0; x < image->width; ++x) {
				bool inLitCell = false;
				for (size_t i : lit) {
					const ScreenRect &r = composition->rect(i);
					inLitCell = inLitCell || (x >= static_cast<uint32_t>(r.x) &&
								  x < r.x + r.width &&
								  y >= static_cast<uint32_t>(r.y) &&
								  y < r.y + r.height);
				}
				const uint8_t *px =
					&image->data[size_t{y} * image->stride + size_t{x} * 4];
				outside += !inLitCell && (px[0] | px[1] | px[2]) != 0;
			}
		}
		EXPECT_EQ(outside, 0u) << "lit pixels outside the cells that should be lit";
	}
};

std::vector<size_t> upTo(size_t n)
{
	std::vector<size_t> all;
	for (size_t i = 0; i < n; ++i)
		all.push_back(i);
	return all;
}

} /* namespace */

TEST(GlKmsMosaic, NineCamerasComposedIntoOneBufferEachInItsCell)
{
	PRIMECAM_NEED_DEVICE(haveCameras(9), "nine single-planar vivid cameras and vkms");
	extendTestTimeout(900);
	Composed c(9);
	ASSERT_EQ(c.engines.size(), 9u);
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	GlComposition &comp = *c.composition;
	EXPECT_EQ(comp.width(), 1024u);
	EXPECT_EQ(comp.height(), 768u);
	/* one plane, the primary, and its 4 output buffers imported once */
	ASSERT_TRUE(comp.kms().output());
	EXPECT_EQ(comp.kms().output()->plane().type, KmsPlane::Type::Primary);
	EXPECT_EQ(comp.kms().framebufferCount(), GlComposition::kOutputBuffers);
	for (size_t i = 0; i < 9; ++i) {
		EXPECT_FALSE(comp.renderer(i)->uploading()) << comp.renderer(i)->pathNote();
		/* where a plane would put it: centred in its 341x256 cell */
		EXPECT_EQ(comp.rect(i),
			  (ScreenRect{static_cast<int32_t>(i % 3 * 341 + 10),
				      static_cast<int32_t>(i / 3 * 256 + 38), kWidth, kHeight}))
			<< "camera " << i;
	}
	ASSERT_TRUE(c.runUntilEachShows(2)) << c.errors();

	/* Every camera has a frame now: each output is one draw per camera,
	 * and one commit, never two in flight. */
	const CompositionCounters before = comp.counters();
	const DisplayCounters commitsBefore = comp.kms().display().counters();
	const auto start = std::chrono::steady_clock::now();
	ASSERT_TRUE(c.runUntilEachShows(4)) << c.errors();
	const double seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	const CompositionCounters after = comp.counters();
	const DisplayCounters &commits = comp.kms().display().counters();
	const uint64_t outputs = after.outputs - before.outputs;
	EXPECT_GE(outputs, 4u);
	EXPECT_EQ(after.draws - before.draws, 9 * outputs)
		<< "not one draw per camera per output frame";
	EXPECT_EQ(after.maxDrawsPerOutput, 9u);
	/* One commit per output: an output is drawn only after the previous
	 * one flipped (one may be in flight at either end). */
	const uint64_t committed = commits.commits - commitsBefore.commits;
	EXPECT_LE(committed, outputs + 1);
	EXPECT_GE(committed + 1, outputs);
	EXPECT_EQ(commits.overlapping, 0u);
	EXPECT_EQ(commits.busy, 0u);
	/* at most one commit per vblank of the 60 Hz mode */
	EXPECT_LE(static_cast<double>(committed), seconds * 60.0 + 2.0);
	printf("gl-kms mosaic of 9: %llu outputs (%llu draws) in %.1f s, %llu commits\n",
	       static_cast<unsigned long long>(outputs),
	       static_cast<unsigned long long>(after.draws - before.draws), seconds,
	       static_cast<unsigned long long>(committed));

	c.expectCellsShowTheirFrames(upTo(9), upTo(9));
	for (size_t i = 0; i < 9; ++i) {
		EXPECT_EQ(c.engines[i]->stats().copies(), 0u) << "camera " << i;
		EXPECT_GT(c.stats(i).latency.percentile(50), 0) << "camera " << i;
	}
	c.stop();
	for (size_t i = 0; i < 9; ++i) {
		const SinkStats &s = c.stats(i);
		EXPECT_EQ(s.displayed + s.droppedTotal(), s.received)
			<< "camera " << i << ": " << s.displayed << " shown, " << s.droppedTotal()
			<< " dropped of " << s.received;
	}
}

TEST(GlKmsMosaic, OneCameraStoppedItsCellGoesBlackTheOthersGoOn)
{
	PRIMECAM_NEED_DEVICE(haveCameras(4), "four single-planar vivid cameras and vkms");
	extendTestTimeout(600);
	Composed c(4);
	ASSERT_EQ(c.engines.size(), 4u);
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(c.runUntilEachShows(3)) << c.errors();

	c.engines[1]->stop();
	const uint64_t stoppedAt = c.stats(1).displayed;
	ASSERT_TRUE(c.runUntilEachShows(3, {1})) << c.errors();
	EXPECT_EQ(c.stats(1).displayed, stoppedAt);
	EXPECT_FALSE(c.composition->onScreen(1));
	c.expectCellsShowTheirFrames({0, 2, 3}, {0, 2, 3});
	EXPECT_EQ(c.composition->kms().display().counters().overlapping, 0u);
}

/*
 * pip composed by GL: the main camera's 320x180 frames scaled to the whole
 * 640x480 screen (exactly 2x, letterboxed to 640x360 at y = 60), a second
 * camera's 320x180 inset at its own size in the bottom-right corner, drawn
 * after it. No tolerance: the inset is unscaled, and the 2x scale is
 * nearest-neighbour through texelFetch, where screen pixel x of the picture
 * samples texel floor((x + 0.5) / 2) = x / 2, far from a rounding edge
 * (FrameRenderer's vertex shader).
 */
TEST(GlKmsPip, MainPictureScaledToTheScreenAndAnInsetAtItsOwnSize)
{
	PRIMECAM_NEED_DEVICE(haveCameras(2), "two single-planar vivid cameras and vkms");
	extendTestTimeout(600);
	auto pip = [](uint32_t cell) {
		KmsSinkConfig config = vkmsSinkConfig(KmsSinkConfig::Plane::Primary,
						      KmsSinkConfig::Placement::Pip);
		config.mode = ModeRequest::parse("640x480");
		config.cell = cell;
		config.cells = 2;
		return config;
	};
	Composed c({{kWidth, kHeight, pip(0)}, {kWidth, kHeight, pip(1)}});
	ASSERT_EQ(c.engines.size(), 2u);
	Result<void> ret = c.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	const ScreenRect main{0, 60, 640, 360};
	const ScreenRect inset{640 - 16 - 320, 480 - 16 - 180, 320, 180};
	EXPECT_EQ(c.composition->rect(0), main);
	EXPECT_EQ(c.composition->rect(1), inset);
	ASSERT_TRUE(c.runUntilEachShows(3)) << c.errors();

	/* The inset, and black above and below the main picture. */
	c.expectCellsShowTheirFrames({1}, {0, 1});
	Result<Image> image = c.composition->kms().captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	std::optional<FrameMetadata> shown = c.composition->onScreen(0);
	ASSERT_TRUE(shown);
	std::vector<const std::vector<uint8_t> *> captured = c.taps[0]->frames(shown->sequence);
	ASSERT_FALSE(captured.empty()) << "frame " << shown->sequence << " is no longer kept";
	size_t fewest = SIZE_MAX;
	std::string first;
	for (const std::vector<uint8_t> *bytes : captured) {
		size_t diffs = 0;
		std::string where;
		for (uint32_t y = 0; y < main.height; ++y) {
			for (uint32_t x = 0; x < main.width; ++x) {
				const uint32_t sy = static_cast<uint32_t>(main.y) + y;
				if (x >= static_cast<uint32_t>(inset.x) &&
				    x < inset.x + inset.width &&
				    sy >= static_cast<uint32_t>(inset.y))
					continue; /* under the inset */
				const uint8_t *screen =
					&image->data[size_t{sy} * image->stride + size_t{x} * 4];
				const uint8_t *frame =
					&(*bytes)[size_t{y / 2} * c.taps[0]->stride() +
						  size_t{x / 2} * 4];
				if (std::equal(screen, screen + 3, frame))
					continue;
				if (!diffs++)
					where = "screen (" + std::to_string(x) + ", " +
						std::to_string(sy) + ") is not frame pixel (" +
						std::to_string(x / 2) + ", " +
						std::to_string(y / 2) + ")";
			}
		}
		if (diffs < fewest) {
			fewest = diffs;
			first = where;
		}
	}
	EXPECT_EQ(fewest, 0u) << "the main picture is not its frame scaled 2x: " << first;
	EXPECT_EQ(c.composition->kms().display().counters().overlapping, 0u);
}

} /* namespace primecam::test */
