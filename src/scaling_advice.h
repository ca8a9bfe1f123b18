/* SPDX-License-Identifier: MIT */
#pragma once

#include <span>
#include <string>
#include <vector>

#include "drm/scaling_need.h"

namespace primecam {

/* A V4L2 mem2mem device that can scale for a plane: it reads the frames at
 * their size and writes `writes`, which the plane takes, at the plane's. */
struct M2mScaler {
	std::string driver; /* "vim2m": what an m2m [[stage]]'s device names */
	std::string node;   /* "/dev/video2" */
	const PixelFormatInfo *writes = nullptr;
};

/* The mem2mem devices of this machine that can (each asked with ENUM_FMT and
 * ENUM_FRAMESIZES on both queues), in /dev/videoN order. With the same size
 * on both sides: the devices that convert the frames into a format the
 * plane takes. */
std::vector<M2mScaler> findM2mFor(const ScalingNeed &need);

/*
 * What would scale instead of the plane, in the order a board prefers them:
 * a mem2mem device (the hardware scales, no CPU pass), a gl-kms sink (the
 * GPU scales as it draws), a CPU scale stage (libyuv, one pass per frame,
 * counted as a conversion). Each as the config lines that ask for it. Pure:
 * the devices are given.
 */
std::string scalingAdviceText(const ScalingNeed &need, std::span<const M2mScaler> scalers);

/* The two together: the run's refusal and the doctor's both say this. */
std::string scalingAdvice(const ScalingNeed &need);

} /* namespace primecam */
