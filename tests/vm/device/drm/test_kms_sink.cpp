/* SPDX-License-Identifier: MIT */
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <dirent.h>
#include <drm_fourcc.h>
#include <gtest/gtest.h>
#include <xf86drm.h>

#include "base/cpu_access.h"
#include "base/dma_heap.h"
#include "base/event_loop.h"
#include "base/mapping.h"
#include "base/pixel_format.h"
#include "base/udmabuf.h"
#include "drm/atomic_request.h"
#include "drm/card.h"
#include "drm/dumb_buffer.h"
#include "drm/framebuffer.h"
#include "drm/kms_resources.h"
#include "drm/kms_sink.h"
#include "drm/property_blob.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/engine.h"
#include "pipeline/source.h"
#include "pipeline/stats.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/drm/pattern_source.h"

using namespace primecam;
using namespace primecam::test;
using namespace std::chrono_literals;

namespace {

unsigned vkmsMinor()
{
	auto card = Card::openByDriver("vkms");
	return card ? card->minor() : 0;
}

void checkFullscreenWriteback(PatternSource::Memory memory)
{
	PatternSource source(xrgb(), 640, 480, 4, memory);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	KmsSink sink(vkmsSinkConfig());
	ret = sink.configure(source.buffers());
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(sink.output());
	EXPECT_EQ(sink.output()->mode().hdisplay, 640) << "the mode of the frame's size";
	EXPECT_EQ(sink.output()->mode().vdisplay, 480);
	EXPECT_EQ(sink.output()->plane().type, KmsPlane::Type::Primary);
	EXPECT_FALSE(sink.output()->background());
	EXPECT_EQ(sink.framebufferCount(), 4u);
	EXPECT_NE(sink.describe().find("kms vkms/Virtual-1 plane"), std::string::npos)
		<< sink.describe();

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	SinkStats stats;
	ret = sink.start(**loop, stats);
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	for (int i = 0; i < 3; ++i)
		showFrame(sink, source, **loop, stats);
	ASSERT_TRUE(sink.activeFrame());
	EXPECT_EQ(source.held(), 1u) << "only the frame on screen is held";

	for (int round = 0; round < 2; ++round) {
		auto image = sink.captureWriteback();
		ASSERT_TRUE(image.ok()) << image.error().message;
		ASSERT_EQ(image->width, 640u);
		ASSERT_EQ(image->height, 480u);
		ASSERT_EQ(image->format, xrgb());
		const FrameBuffer &shown = sink.activeFrame().buffer();
		std::string first;
		EXPECT_EQ(compareXrgb(*image, 0, 0, source.read(shown), source.stride(shown.index),
				      640, 480, &first),
			  0u)
			<< "writeback differs from buffer " << shown.index << " (frame "
			<< sink.activeFrame().metadata().sequence << ") " << first;

		/* Streaming goes on after a writeback, and the next
		 * writeback shows the newer frame. */
		showFrame(sink, source, **loop, stats);
		showFrame(sink, source, **loop, stats);
	}
	EXPECT_EQ(stats.droppedTotal(), 0u);
	EXPECT_EQ(stats.latency.count(), stats.displayed);
	EXPECT_GT(stats.latency.percentile(0), 0) << "flip before capture?";
	sink.stop();
	EXPECT_EQ(source.held(), 0u) << "stop() kept a frame";
	EXPECT_FALSE(sink.lastError()) << sink.lastError()->message;
}

} /* namespace */

TEST(KmsSink, FullscreenPrimaryWritebackEqualsTheBufferOnScreen)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	checkFullscreenWriteback(PatternSource::Memory::Dumb);
}

TEST(KmsSink, DmaHeapBuffersScanOut)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PRIMECAM_NEED_DEVICE(DmaHeap::open("system").ok(), "the system dma-heap");
	checkFullscreenWriteback(PatternSource::Memory::DmaHeap);
}

/* A 320x240 frame on an overlay plane above a black primary, at x0, y0 of
 * the preferred 1024x768 mode. */
static void checkOverlay(const KmsSinkConfig &config, uint32_t x0, uint32_t y0)
{
	PatternSource source(xrgb(), 320, 240, 3, PatternSource::Memory::Dumb);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	KmsSink sink(config);
	ret = sink.configure(source.buffers());
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ASSERT_TRUE(sink.output());
	const KmsOutput &output = *sink.output();
	EXPECT_EQ(output.plane().type, KmsPlane::Type::Overlay);
	ASSERT_TRUE(output.background());
	EXPECT_EQ(output.background()->type, KmsPlane::Type::Primary);
	const uint32_t w = output.mode().hdisplay, h = output.mode().vdisplay;
	ASSERT_EQ(w, 1024u) << "not the preferred mode";
	ASSERT_EQ(h, 768u);
	EXPECT_EQ(output.rect(),
		  (ScreenRect{static_cast<int32_t>(x0), static_cast<int32_t>(y0), 320, 240}));

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	SinkStats stats;
	ret = sink.start(**loop, stats);
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	showFrame(sink, source, **loop, stats);
	showFrame(sink, source, **loop, stats);

	auto image = sink.captureWriteback();
	ASSERT_TRUE(image.ok()) << image.error().message;
	ASSERT_EQ(image->width, w);
	ASSERT_EQ(image->height, h);
	const FrameBuffer &shown = sink.activeFrame().buffer();
	std::string first;
	EXPECT_EQ(compareXrgb(*image, x0, y0, source.read(shown), source.stride(shown.index), 320,
			      240, &first),
		  0u)
		<< "the overlay's place differs from the frame " << first;

	size_t lit = 0;
	for (uint32_t y = 0; y < h; ++y)
		for (uint32_t x = 0; x < w; ++x) {
			if (x >= x0 && x < x0 + 320 && y >= y0 && y < y0 + 240)
				continue;
			const uint8_t *p = &image->data[size_t{y} * image->stride + x * 4];
			lit += (p[0] | p[1] | p[2]) != 0;
		}
	EXPECT_EQ(lit, 0u) << "pixels around the overlay are not black";

	showFrame(sink, source, **loop, stats);
	sink.stop();
	EXPECT_EQ(source.held(), 0u);
}

TEST(KmsSink, OverlayCentredAboveABlackPrimary)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	checkOverlay(
		vkmsSinkConfig(KmsSinkConfig::Plane::Overlay, KmsSinkConfig::Placement::Center),
		(1024 - 320) / 2, (768 - 240) / 2);
}

TEST(KmsSink, OverlayInARectangle)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	KmsSinkConfig config =
		vkmsSinkConfig(KmsSinkConfig::Plane::Overlay, KmsSinkConfig::Placement::Rect);
	config.x = 16;
	config.y = 500;
	checkOverlay(config, 16, 500);
}

TEST(KmsSink, YuyvIsRefusedNamingThePlaneAndItsFormats)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PatternSource source(formatByName("YUYV"), 640, 480, 2, PatternSource::Memory::Dumb);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	KmsSink sink(vkmsSinkConfig());
	ret = sink.configure(source.buffers());
	ASSERT_FALSE(ret.ok());
	const std::string &msg = ret.error().message;
	EXPECT_NE(msg.find("(vkms)"), std::string::npos) << msg;
	EXPECT_NE(msg.find("(primary) cannot scan out YUYV 640x480"), std::string::npos) << msg;
	EXPECT_NE(msg.find("it supports XRGB8888"), std::string::npos) << msg;
	EXPECT_NE(msg.find("RGB565"), std::string::npos) << msg;
	EXPECT_EQ(sink.framebufferCount(), 0u);
}

TEST(KmsSink, FrameThePrimaryCannotCoverIsRefusedClearly)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PatternSource source(xrgb(), 800, 600, 2, PatternSource::Memory::Dumb);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	/* The display runs 1024x768 (a fixed mode, as a panel has): the
	 * 800x600 frame would have to be scaled, which vkms cannot. */
	KmsSinkConfig config = vkmsSinkConfig();
	config.mode = ModeRequest::parse("1024x768");
	KmsSink sink(config);
	ret = sink.configure(source.buffers());
	ASSERT_FALSE(ret.ok());
	const std::string &msg = ret.error().message;
	EXPECT_NE(msg.find("(primary) refused XRGB8888 800x600"), std::string::npos) << msg;
	EXPECT_NE(msg.find("mode 1024x768"), std::string::npos) << msg;
	EXPECT_NE(msg.find("TEST_ONLY"), std::string::npos) << msg;
	EXPECT_NE(msg.find("scaled from 800x600 to 1024x768"), std::string::npos) << msg;

	/* Centred instead: the primary would not cover the screen. */
	config.placement = KmsSinkConfig::Placement::Center;
	KmsSink centred(config);
	ret = centred.configure(source.buffers());
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("primary plane that does not cover the whole 1024x768"),
		  std::string::npos)
		<< ret.error().message;

	/* A mode the connector does not have. */
	config.mode = ModeRequest::parse("1000x1000");
	KmsSink noMode(config);
	ret = noMode.configure(source.buffers());
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("no mode 1000x1000; the connector has"),
		  std::string::npos)
		<< ret.error().message;
}

TEST(KmsSink, UdmabufIsRefusedWithTheReason)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PatternSource source(xrgb(), 640, 480, 2, PatternSource::Memory::Udmabuf);
	auto ret = source.configure();
	PRIMECAM_NEED_DEVICE(ret.ok(), "udmabuf: " << ret.error().message);

	KmsSink sink(vkmsSinkConfig());
	ret = sink.configure(source.buffers());
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("a udmabuf dma-buf"), std::string::npos)
		<< ret.error().message;
	EXPECT_NE(ret.error().message.find("dumb buffers or the dma-heap"), std::string::npos)
		<< ret.error().message;
}

TEST(KmsSink, RefusesWhileAnotherClientIsMaster)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PatternSource source(xrgb(), 640, 480, 2, PatternSource::Memory::Dumb);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	auto compositor = Card::openByDriver("vkms", Card::Role::Display);
	ASSERT_TRUE(compositor.ok()) << compositor.error().message;
	ASSERT_TRUE(compositor->isMaster());

	KmsSink sink(vkmsSinkConfig());
	ret = sink.configure(source.buffers());
	ASSERT_FALSE(ret.ok());
	EXPECT_NE(ret.error().message.find("another client, such as a compositor, holds the "
					   "display"),
		  std::string::npos)
		<< ret.error().message;
	EXPECT_NE(ret.error().message.find(compositor->path()), std::string::npos)
		<< ret.error().message;

	/* Once the other client is gone, the display is ours. */
	compositor = Card();
	ret = sink.configure(source.buffers());
	EXPECT_TRUE(ret.ok()) << ret.error().message;
}

TEST(KmsSink, NoFramebufferOrFdLeaksOverConfigureStopCycles)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	const unsigned minor = vkmsMinor();
	PRIMECAM_NEED_DEVICE(framebufferCount(minor) >= 0,
			     "debugfs /sys/kernel/debug/dri/" << minor << "/framebuffer");
	PatternSource source(xrgb(), 640, 480, 4, PatternSource::Memory::Dumb);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());

	const int fbs = framebufferCount(minor);
	const int fds = openFdCount();
	{
		KmsSink sink(vkmsSinkConfig(KmsSinkConfig::Plane::Overlay,
					    KmsSinkConfig::Placement::Center));
		for (int cycle = 0; cycle < 5; ++cycle) {
			SCOPED_TRACE("cycle " + std::to_string(cycle));
			ret = sink.configure(source.buffers());
			ASSERT_TRUE(ret.ok()) << ret.error().message;
			/* the four buffers and the black background */
			EXPECT_EQ(framebufferCount(minor), fbs + 5);
			SinkStats stats;
			ret = sink.start(**loop, stats);
			ASSERT_TRUE(ret.ok()) << ret.error().message;
			for (int i = 0; i < 12; ++i)
				showFrame(sink, source, **loop, stats);
			if (cycle == 0) {
				auto image = sink.captureWriteback();
				ASSERT_TRUE(image.ok()) << image.error().message;
				showFrame(sink, source, **loop, stats);
			}
			/* No framebuffer per frame: only the writeback target
			 * was added, once. */
			EXPECT_EQ(framebufferCount(minor), fbs + 5 + (cycle == 0));
			sink.stop();
			EXPECT_EQ(source.held(), 0u);
		}
	}
	EXPECT_EQ(framebufferCount(minor), fbs);
	EXPECT_EQ(openFdCount(), fds);
}

/*
 * Another client left the display in its own state (its primary plane and
 * an overlay on, and kept its framebuffers alive); primecam must take over
 * from that state, as GStreamer's kmssink does not, and a second run in the
 * same boot must work as well.
 */
TEST(KmsSink, StartsFromTheStateAnEarlierClientLeft)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");

	/* The earlier client: red primary, green overlay square. */
	auto other = Card::openByDriver("vkms", Card::Role::Display);
	ASSERT_TRUE(other.ok()) << other.error().message;
	ASSERT_TRUE(other->enableAtomic(true).ok());
	auto res = KmsResources::query(*other);
	ASSERT_TRUE(res.ok()) << res.error().message;
	const KmsConnector *conn = nullptr;
	for (const KmsConnector &c : res->connectors())
		if (!c.writeback && !conn)
			conn = &c;
	ASSERT_NE(conn, nullptr);
	const KmsCrtc &crtc = res->crtcs().front();
	const KmsPlane *primary = nullptr, *overlay = nullptr;
	for (const KmsPlane &p : res->planes()) {
		if (p.type == KmsPlane::Type::Primary && !primary)
			primary = &p;
		if (p.type == KmsPlane::Type::Overlay && !overlay)
			overlay = &p;
	}
	ASSERT_TRUE(primary && overlay);
	drmModeModeInfo mode = conn->modes.front();
	for (const drmModeModeInfo &m : conn->modes)
		if (m.type & DRM_MODE_TYPE_PREFERRED)
			mode = m;

	auto makeFb = [&](uint32_t w, uint32_t h, uint32_t colour, DumbBuffer &dumb,
			  Framebuffer &fb) {
		auto d = DumbBuffer::create(*other, w, h, 32);
		ASSERT_TRUE(d.ok()) << d.error().message;
		auto map = d->map(Mapping::Write);
		ASSERT_TRUE(map.ok()) << map.error().message;
		for (uint32_t y = 0; y < h; ++y)
			for (uint32_t x = 0; x < w; ++x)
				std::memcpy(map->data().data() + size_t{y} * d->pitch() + x * 4,
					    &colour, 4);
		auto f = Framebuffer::wrap(other->fd(), d->handle(), DRM_FORMAT_XRGB8888, w, h,
					   d->pitch(), "test");
		ASSERT_TRUE(f.ok()) << f.error().message;
		dumb = std::move(*d);
		fb = std::move(*f);
	};
	DumbBuffer redDumb, greenDumb;
	Framebuffer redFb, greenFb;
	makeFb(mode.hdisplay, mode.vdisplay, 0x00ff0000, redDumb, redFb);
	makeFb(64, 64, 0x0000ff00, greenDumb, greenFb);
	auto blob = PropertyBlob::create(other->fd(), &mode, sizeof(mode), "test mode");
	ASSERT_TRUE(blob.ok()) << blob.error().message;

	AtomicRequest req;
	auto plane = [&](const KmsPlane &p, uint32_t fb, uint32_t w, uint32_t h) {
		const KmsPropertyList &pp = p.properties;
		req.add(p.id, pp.id("FB_ID"), fb);
		req.add(p.id, pp.id("CRTC_ID"), crtc.id);
		req.add(p.id, pp.id("SRC_X"), 0);
		req.add(p.id, pp.id("SRC_Y"), 0);
		req.add(p.id, pp.id("SRC_W"), uint64_t{w} << 16);
		req.add(p.id, pp.id("SRC_H"), uint64_t{h} << 16);
		req.add(p.id, pp.id("CRTC_X"), 0);
		req.add(p.id, pp.id("CRTC_Y"), 0);
		req.add(p.id, pp.id("CRTC_W"), w);
		req.add(p.id, pp.id("CRTC_H"), h);
	};
	req.add(conn->id, conn->properties.id("CRTC_ID"), crtc.id);
	req.add(crtc.id, crtc.properties.id("MODE_ID"), blob->id());
	req.add(crtc.id, crtc.properties.id("ACTIVE"), 1);
	plane(*primary, redFb.id(), mode.hdisplay, mode.vdisplay);
	plane(*overlay, greenFb.id(), 64, 64);
	ASSERT_EQ(req.commit(other->fd(), DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	/* It leaves master but stays, its planes still on. */
	ASSERT_EQ(drmDropMaster(other->fd()), 0);

	PatternSource source(xrgb(), 640, 480, 4, PatternSource::Memory::Dumb);
	auto ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());

	for (int run = 0; run < 2; ++run) {
		SCOPED_TRACE("run " + std::to_string(run));
		KmsSink sink(vkmsSinkConfig());
		ret = sink.configure(source.buffers());
		ASSERT_TRUE(ret.ok()) << ret.error().message;
		SinkStats stats;
		ret = sink.start(**loop, stats);
		ASSERT_TRUE(ret.ok()) << ret.error().message;
		showFrame(sink, source, **loop, stats);
		showFrame(sink, source, **loop, stats);
		auto image = sink.captureWriteback();
		ASSERT_TRUE(image.ok()) << image.error().message;
		ASSERT_EQ(image->width, 640u) << "the earlier client's mode stayed";
		const FrameBuffer &shown = sink.activeFrame().buffer();
		std::string first;
		EXPECT_EQ(compareXrgb(*image, 0, 0, source.read(shown), source.stride(shown.index),
				      640, 480, &first),
			  0u)
			<< "the earlier client's overlay is still on? " << first;
		sink.stop();
		EXPECT_EQ(source.held(), 0u);
	}
}

TEST(KmsSink, RunsUnderTheEngine)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	auto owned = std::make_unique<PatternSource>(xrgb(), 640, 480, 4,
						     PatternSource::Memory::DmaHeap);
	PatternSource *source = owned.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::make_unique<KmsSink>(vkmsSinkConfig()));
	Engine engine(**loop, std::move(owned), std::move(sinks));
	auto ret = engine.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	ret = engine.start();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	engine.setFrameLimit(40);
	auto guard = (*loop)->addTimer(20s, 0s, [&] { (*loop)->exit(2); });
	ASSERT_TRUE(guard.ok());
	EXPECT_EQ((*loop)->run(), 0) << "the run did not finish";
	engine.stop();

	const SinkStats &stats = engine.stats().sinks.front();
	EXPECT_FALSE(engine.error()) << engine.error()->message;
	EXPECT_EQ(stats.received, 40u);
	EXPECT_GT(stats.displayed, 0u);
	EXPECT_EQ(stats.dropped[static_cast<size_t>(DropReason::SinkError)], 0u);
	/* Every frame was shown or dropped, the one waiting at stop() too. */
	EXPECT_EQ(stats.displayed + stats.droppedTotal(), stats.received)
		<< stats.displayed << " shown, " << stats.droppedTotal() << " dropped of "
		<< stats.received;
	EXPECT_EQ(stats.latency.count(), stats.displayed);
	EXPECT_GT(stats.latency.percentile(0), 0);
	EXPECT_EQ(source->held(), 0u);
}
