/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What a V4L2 node offers, as VIDIOC_ENUM_FMT, VIDIOC_ENUM_FRAMESIZES and
 * VIDIOC_ENUM_FRAMEINTERVALS report it. A driver answers the size and
 * interval questions in one of three shapes (a list of discrete values, a
 * stepwise range, or a continuous range), and the answer is kept in that
 * shape: flattening a 1x1-step range into a list would make millions of
 * entries, and a list is not a range.
 *
 * Pure data plus the checks and texts built on it (no ioctls here), so that
 * "does the device offer 640x480" and "what does it offer instead" are
 * unit-testable without a device.
 */

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace primecam {

/* One entry of VIDIOC_ENUM_FMT. */
struct FormatDescription {
	uint32_t fourcc = 0;
	uint32_t flags = 0;	 /* V4L2_FMT_FLAG_*: COMPRESSED, EMULATED, ... */
	std::string description; /* the driver's text, "32-bit BGRX 8-8-8-8" */
};

struct FrameSize {
	uint32_t width = 0;
	uint32_t height = 0;

	bool operator==(const FrameSize &) const = default;
};

/* VIDIOC_ENUM_FRAMESIZES for one pixel format. */
struct FrameSizes {
	/* Unknown: the driver does not implement the ioctl (ENOTTY), so it
	 * never said; S_FMT is then the only way to find out. */
	enum class Kind {
		Unknown,
		Discrete,
		Stepwise,
		Continuous
	};

	Kind kind = Kind::Unknown;
	std::vector<FrameSize> discrete; /* Kind::Discrete */
	/* Kind::Stepwise and Continuous (where the steps are 1). */
	FrameSize min;
	FrameSize max;
	uint32_t stepWidth = 1;
	uint32_t stepHeight = 1;

	/* Whether width x height is one of the sizes; true for Unknown. */
	bool contains(uint32_t width, uint32_t height) const;
	/* "320x180 640x360 640x480", "32x32 - 640x480 in steps of 2x1",
	 * "1x1 - 4096x4096 (any size)", "(not enumerated)". */
	std::string describe() const;
	/* The first size the driver listed (the minimum of a range). */
	FrameSize first() const;
};

/* A frame interval in seconds, as V4L2 gives it (1/25 = 25 fps). */
struct Fraction {
	uint32_t numerator = 0;
	uint32_t denominator = 0;

	/* The frame rate this interval gives; 0 for a zero numerator. */
	double fps() const;
	/* "1/25 (25 fps)"; "2/25 (12.5 fps)". */
	std::string describeInterval() const;
};

/* The interval closest to 1/fps, as a fraction V4L2 takes: fps with up to
 * three decimals (29.97 -> 100/2997); 0/0 for fps <= 0. */
Fraction intervalForFps(double fps);

/* Whether the driver granted the rate a config asked for: S_PARM (and the
 * G_PARM after it) hold the driver's nearest rate, which at large sizes can
 * be far slower (vivid gives 5 fps at 1920x1080). False when nothing was
 * asked (askedFps <= 0) or the driver said no rate. */
bool rateDiffers(Fraction granted, double askedFps);

/* "vivid gives 5 fps at 1920x1080; the config asks 25", or empty when the
 * rate is the one asked for (rateDiffers() is false). */
std::string rateAdjustment(std::string_view driver, Fraction granted, double askedFps,
			   uint32_t width, uint32_t height);

/* VIDIOC_ENUM_FRAMEINTERVALS for one format and size. */
struct FrameIntervals {
	enum class Kind {
		Unknown,
		Discrete,
		Stepwise,
		Continuous
	};

	Kind kind = Kind::Unknown;
	std::vector<Fraction> discrete;
	Fraction min;
	Fraction max;
	Fraction step;

	std::string describe() const;
	/* The offered interval whose rate is nearest fps: what S_PARM would
	 * grant for the config's fps, for the doctor to say before run does.
	 * A range clamps to its ends. None when the driver does not enumerate
	 * (Unknown) or fps <= 0. Drivers choose by their own rule (vivid: the
	 * fastest of its rates not above the one asked, else its slowest);
	 * run reports what was granted (G_PARM). */
	std::optional<Fraction> nearestTo(double fps) const;
};

/* "XR24 XRGB8888, NV12 NV12, Y10  (unknown to primecam)": what a node
 * offers, for the message that refuses a format. */
std::string describeFormats(const std::vector<FormatDescription> &formats);

} /* namespace primecam */
