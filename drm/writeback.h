/* SPDX-License-Identifier: MIT */
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <xf86drmMode.h>

#include "base/image.h"
#include "base/mapping.h"
#include "base/result.h"
#include "drm/atomic_request.h"
#include "drm/dumb_buffer.h"
#include "drm/framebuffer.h"
#include "drm/kms_resources.h"

namespace primecam {

class Card;

/*
 * A writeback connector used as a camera on the display: what the CRTC
 * actually composes (every plane, as scanned out) is written into a buffer
 * of ours. The check that the pixels on screen are the captured ones, with
 * no monitor attached.
 *
 * The target is a linear XRGB8888 dumb buffer of the mode's size (writeback
 * connectors do not scale), made once and reused for every capture.
 */
class Writeback
{
public:
	/* A writeback connector that can be routed to crtc and writes
	 * XRGB8888, and its target buffer, framebuffer and mapping. display
	 * is the connector the CRTC drives. */
	static Result<Writeback> create(const Card &card, const KmsResources &resources,
					const KmsCrtc &crtc, const KmsConnector &display,
					const drmModeModeInfo &mode);

	/*
	 * One frame of the CRTC's output: routes the connector to the CRTC
	 * with our framebuffer and an out-fence (a modeset: the CRTC gains a
	 * connector), waits for the fence (the composition is done when it
	 * signals) for at most timeout, copies the pixels out and takes the
	 * connector off the CRTC again. No page flip may be in flight.
	 *
	 * When the writeback encoder cannot be a clone of the display's (as on
	 * vkms in Linux 6.1, whose encoders have no possible_clones), the
	 * kernel refuses both on one CRTC, so the display connector leaves the
	 * CRTC for the capture and comes back after it; the planes, and so
	 * the composed picture, are the same.
	 */
	Result<Image> capture(AtomicRequest &request, std::chrono::milliseconds timeout);

	const KmsConnector &connector() const { return connector_; }
	/* The display connector must leave the CRTC during a capture. */
	bool swapsDisplay() const { return swap_; }

private:
	int detach(AtomicRequest &request);

	int cardFd_ = -1; /* not owned */
	std::string cardName_;
	KmsConnector connector_;
	KmsConnector display_;
	bool swap_ = false;
	uint32_t crtcId_ = 0;
	uint32_t width_ = 0;
	uint32_t height_ = 0;
	/* Destroyed in reverse: mapping, framebuffer, then the buffer. */
	DumbBuffer buffer_;
	Framebuffer fb_;
	Mapping mapping_;
};

} /* namespace primecam */
