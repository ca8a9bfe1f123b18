/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

namespace primecam::test {

/*
 * Makes a vivid capture node look like a Bayer sensor to libv4lconvert.
 *
 * vivid offers every format libv4lconvert can emulate (RGB24, BGR24,
 * YUV420, YVU420) natively, next to its Bayer formats, and libv4lconvert
 * always prefers a native format to a conversion: asked for BGR24 on vivid,
 * libv4l2 passes vivid's own BGR24 through and converts nothing. A real
 * Bayer camera offers only Bayer.
 *
 * While an instance lives, VIDIOC_ENUM_FMT on a single-planar capture queue
 * issued through syscall() lists SBGGR8 ('BA81') only. libv4l2 and
 * libv4lconvert issue every ioctl through syscall() (their SYS_IOCTL), and
 * libv4lconvert learns the device's formats once, by ENUM_FMT, in
 * v4l2_open: armed around configure(), libv4l2 then chooses BA81 and sets
 * the real device to it (TRY_FMT and S_FMT reach vivid unchanged), and
 * converts every frame. Arm it around configure() only, which enumerates
 * nothing itself: in this binary ioctl() goes through syscall() too (the e2e
 * tests' counter interposes it), so any capture ENUM_FMT is filtered while
 * armed. The device-tests binary exports its syscall() (meson:
 * --export-dynamic-symbol) so that the libraries bind to it.
 */
class BayerOnlyFormats
{
public:
	BayerOnlyFormats();
	~BayerOnlyFormats();
	BayerOnlyFormats(const BayerOnlyFormats &) = delete;
	BayerOnlyFormats &operator=(const BayerOnlyFormats &) = delete;

	/* ENUM_FMT calls answered with the Bayer-only list, since process
	 * start: proof that the libraries really went through the seam. */
	static uint64_t answered();
};

} /* namespace primecam::test */
