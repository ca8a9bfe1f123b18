/* SPDX-License-Identifier: MIT */
#include <drm_fourcc.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <xf86drm.h>

#include "base/pixel_format.h"
#include "drm/card.h"
#include "drm/dumb_buffer.h"
#include "drm/framebuffer.h"
#include "drm/gem_handle_table.h"
#include "tests/vm/device/device_test.h"

using namespace primecam;

namespace {

int closeCalls = 0;

int countingClose(int cardFd, uint32_t handle)
{
	++closeCalls;
	return drmCloseBufferHandle(cardFd, handle);
}

/* Whether handle is open on the card file: PRIME export needs a live one. */
bool handleIsOpen(int cardFd, uint32_t handle)
{
	int fd = -1;
	if (drmPrimeHandleToFD(cardFd, handle, DRM_CLOEXEC, &fd) < 0)
		return false;
	UniqueFd closer(fd);
	return true;
}

} /* namespace */

TEST(KmsGemHandles, SameDmaBufImportedTwiceYieldsOneHandleClosedOnce)
{
	/* Two opens of the card: one allocates (as a capture pool would), the
	 * other imports (as the display sink does). On the allocating file
	 * the import would return the dumb buffer's own handle. */
	auto alloc = Card::openByDriver("vkms");
	PRIMECAM_NEED_DEVICE(alloc.ok(), "the vkms card");
	auto display = Card::openByDriver("vkms");
	ASSERT_TRUE(display.ok()) << display.error().message;

	auto dumb = DumbBuffer::create(*alloc, 64, 64, 32);
	ASSERT_TRUE(dumb.ok()) << dumb.error().message;
	auto dmabuf = dumb->exportDmaBuf();
	ASSERT_TRUE(dmabuf.ok()) << dmabuf.error().message;
	auto again = dmabuf->dup();
	ASSERT_TRUE(again.ok());
	ASSERT_NE(again->fd(), dmabuf->fd());

	closeCalls = 0;
	GemHandleTable table(display->fd(), display->describe(), nullptr, &countingClose);
	auto a = table.import(dmabuf->fd(), "the buffer");
	auto b = table.import(again->fd(), "the buffer under another fd");
	ASSERT_TRUE(a.ok()) << a.error().message;
	ASSERT_TRUE(b.ok()) << b.error().message;
	EXPECT_EQ(a->get(), b->get()) << "PRIME import is per buffer, not per fd";
	EXPECT_EQ(table.references(a->get()), 2u);
	const uint32_t handle = a->get();

	/* Two framebuffers of the one buffer share the handle too. */
	FrameBuffer fb;
	fb.format = formatByDrm(DRM_FORMAT_XRGB8888);
	fb.width = 64;
	fb.height = 64;
	fb.numPlanes = 1;
	fb.planes[0] = {again->fd(), again->id(), 0, dumb->pitch(), DRM_FORMAT_MOD_LINEAR};
	auto fb1 = Framebuffer::import(display->fd(), table, fb, true, display->describe());
	auto fb2 = Framebuffer::import(display->fd(), table, fb, true, display->describe());
	ASSERT_TRUE(fb1.ok()) << fb1.error().message;
	ASSERT_TRUE(fb2.ok()) << fb2.error().message;
	EXPECT_NE(fb1->id(), fb2->id());
	EXPECT_EQ(table.references(handle), 4u);
	EXPECT_EQ(table.size(), 1u);

	a->reset();
	b->reset();
	fb1->reset();
	EXPECT_EQ(closeCalls, 0) << "closed while a framebuffer still used it";
	EXPECT_TRUE(handleIsOpen(display->fd(), handle));
	fb2->reset();
	EXPECT_EQ(closeCalls, 1);
	EXPECT_FALSE(handleIsOpen(display->fd(), handle)) << "the handle leaked";
	EXPECT_EQ(table.size(), 0u);
}
