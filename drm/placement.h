/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "drm/kms_sink_config.h"

namespace primecam {

/* A rectangle on the screen (CRTC coordinates), in pixels. */
struct ScreenRect {
	int32_t x = 0;
	int32_t y = 0;
	uint32_t width = 0;
	uint32_t height = 0;

	bool operator==(const ScreenRect &) const = default;
	/* "320x240+352+264" */
	std::string describe() const;
};

/* Pip insets keep this far from the screen's edges and from each other. */
constexpr uint32_t kPipMargin = 16;

/*
 * Where a frameWidth x frameHeight frame goes on a screenWidth x
 * screenHeight mode, as the config asks: the whole screen, centred at its
 * own size, the config's rectangle (width/height 0: the frame's size), the
 * largest centred rectangle of the frame's aspect ratio (fit), the whole
 * screen showing the frame's sourceCrop() (fill), or
 * its cell of a layout (config.cell of config.cells): centred in its cell
 * of a mosaic grid, or for pip the whole screen (cell 0) or an inset at its
 * own size along the bottom edge from the right. A layout never scales: a
 * frame that does not fit its place is refused with the sizes and what
 * would fit (the planes of many cards, vkms's among them, cannot scale).
 * A centred frame larger than the screen and a rectangle not wholly on the
 * screen are refused (EINVAL, the message gives the numbers): a plane
 * clipped by the screen edge is one the user did not ask for, and many
 * planes cannot be partly off screen at all. Whether the plane can scale
 * (CRTC size != frame size) is for the card to say, in a TEST_ONLY commit.
 */
Result<ScreenRect> placeOnScreen(const KmsSinkConfig &config, uint32_t screenWidth,
				 uint32_t screenHeight, uint32_t frameWidth, uint32_t frameHeight);

/*
 * The part of the frame the plane shows (its SRC_* rectangle, in frame
 * pixels): the whole frame, except for placement "fill", where it is the
 * largest centred rectangle of the screen's aspect ratio (so that the
 * plane scales it to the whole screen without distorting it).
 */
ScreenRect sourceCrop(const KmsSinkConfig &config, uint32_t screenWidth, uint32_t screenHeight,
		      uint32_t frameWidth, uint32_t frameHeight);

/*
 * The same layouts drawn by GL into one buffer (gl-kms with a layout),
 * where scaling is a draw like any other: a frame that fits its mosaic
 * cell, and every pip inset, goes exactly where a plane would put it (the
 * same config shows the same picture with kms or gl-kms sinks, and
 * unscaled frames stay pixel-exact); a frame larger than its mosaic cell
 * and pip's main picture are scaled to fit, keeping the aspect ratio,
 * centred on black. An inset that does not fit is still refused: shrinking
 * it is not what the user asked for.
 */
Result<ScreenRect> placeComposed(const KmsSinkConfig &config, uint32_t screenWidth,
				 uint32_t screenHeight, uint32_t frameWidth, uint32_t frameHeight);

} /* namespace primecam */
