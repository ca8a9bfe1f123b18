/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace primecam {

/* What a case measured of its timing. */
struct TimingFigures {
	int64_t latencyP99Ns = 0;
	uint64_t latencySamples = 0;  /* frames shown with a trusted capture time */
	int64_t periodNs = 0;	      /* the camera's frame period, from its capture times */
	int64_t vblankNs = 0;	      /* the mode's refresh period */
	bool startOfExposure = false; /* the capture times mark the start of the exposure */
	uint64_t sequenceGaps = 0;
	uint64_t driverDrops = 0; /* buffers the driver flagged V4L2_BUF_FLAG_ERROR */
};

/*
 * The latency bound: one frame period plus one vblank from the moment the
 * frame was complete, so a capture time at the start of the exposure adds
 * the exposure's period.
 */
int64_t latencyBoundNs(const TimingFigures &figures);

/* Why the latency fails its bound ("latency: p99 ... beyond ..."), or nullopt. */
std::optional<std::string> latencyFailure(const TimingFigures &figures);

/* Why the sequence gaps fail ("gaps: ..."): more than the driver flagged. */
std::optional<std::string> gapsFailure(const TimingFigures &figures);

/*
 * Why timing cannot be judged on this machine, or nullopt: under QEMU's TCG
 * (CPUID leaf 0x40000000 says "TCGTCGTCGTCG") every instruction is
 * translated and the guest's clock runs on the host's scheduler, so one
 * frame of a short run can wait tens of milliseconds, or seconds, for
 * reasons that are not the path's. Under KVM or on hardware timing is
 * judged.
 */
std::optional<std::string> timingNotJudgedReason();

} /* namespace primecam */
