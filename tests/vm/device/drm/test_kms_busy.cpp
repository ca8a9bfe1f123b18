/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>
#include <xf86drm.h>

#include "drm/atomic_request.h"
#include "drm/framebuffer.h"
#include "tests/vm/device/device_test.h"
#include "tests/vm/device/device_util.h"
#include "tests/vm/device/drm/pattern_source.h"

using namespace primecam;
using namespace primecam::test;

/*
 * A page flip the kernel refuses with EBUSY: the CRTC still has a commit
 * pending (drm_atomic_helper's stall check refuses a nonblocking commit
 * before the previous one's flip_done). Here the other commit is the test's
 * own, made on the sink's card fd (the master) right before the sink's: the
 * sink must retry at the next vblank, not drop the frame or end the run.
 */
TEST(KmsSink, CommitRefusedAsBusyIsRetriedAtTheNextVblank)
{
	PRIMECAM_NEED_DEVICE(haveVkms(), "the vkms card");
	PatternSource source(xrgb(), 640, 480, 4, PatternSource::Memory::Dumb);
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	KmsSink sink(vkmsSinkConfig());
	ret = sink.configure(source.buffers());
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	SinkStats stats;
	ret = sink.start(**loop, stats);
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	showFrame(sink, source, **loop, stats);

	/* The test's framebuffer outlives its scanout: removing a framebuffer
	 * on screen would switch the plane off. */
	auto dumb = DumbBuffer::create(sink.card(), 640, 480, 32);
	ASSERT_TRUE(dumb.ok()) << dumb.error().message;
	auto fb = Framebuffer::wrap(sink.card().fd(), dumb->handle(), DRM_FORMAT_XRGB8888, 640, 480,
				    dumb->pitch(), "test");
	ASSERT_TRUE(fb.ok()) << fb.error().message;

	/* The two commits race the vblank: one that falls between them makes
	 * the sink's commit succeed at once. Each try starts right after a
	 * vblank (a blocking WAIT_VBLANK), which leaves the sink a whole
	 * refresh period to commit into the busy CRTC, and the frame is painted
	 * before that wait: painting 640x480 by CPU under a sanitizer and
	 * emulation takes longer than a refresh period, and twenty tries that
	 * painted between the two commits all lost the race. */
	for (int attempt = 0; attempt < 20 && stats.busyRetries == 0; ++attempt) {
		FrameRef frame = source.produce();
		ASSERT_TRUE(frame);
		const uint64_t sequence = frame.metadata().sequence;
		drmVBlank vblank = {};
		vblank.request.type = static_cast<drmVBlankSeqType>(
			DRM_VBLANK_RELATIVE |
			((sink.output()->crtc().index << DRM_VBLANK_HIGH_CRTC_SHIFT) &
			 DRM_VBLANK_HIGH_CRTC_MASK));
		vblank.request.sequence = 1;
		ASSERT_EQ(drmWaitVBlank(sink.card().fd(), &vblank), 0) << strerror(errno);
		AtomicRequest request;
		ASSERT_EQ(sink.output()->addFlip(request, fb->id()), 0);
		ASSERT_EQ(request.commit(sink.card().fd(), DRM_MODE_ATOMIC_NONBLOCK), 0);
		uint64_t displayed = stats.displayed;
		ASSERT_EQ(sink.consume(std::move(frame)), 0)
			<< (sink.lastError() ? sink.lastError()->message : "");
		ASSERT_TRUE(runUntil(**loop, [&] { return stats.displayed > displayed; }))
			<< "the frame was not shown after the busy commit; "
			<< (sink.lastError() ? sink.lastError()->message : "");
		EXPECT_EQ(sink.activeFrame().metadata().sequence, sequence);
	}
	EXPECT_GE(stats.busyRetries, 1u) << "the display was never busy: the test proves nothing";
	EXPECT_EQ(stats.droppedTotal(), 0u);
	EXPECT_FALSE(sink.lastError()) << sink.lastError()->message;
	showFrame(sink, source, **loop, stats);
	sink.stop();
}
