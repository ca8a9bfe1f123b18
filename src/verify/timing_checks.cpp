/* SPDX-License-Identifier: MIT */
#include "src/verify/timing_checks.h"

#include <cstdio>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace primecam {

namespace {

std::string msText(int64_t ns)
{
	char text[32];
	snprintf(text, sizeof(text), "%.1f", static_cast<double>(ns) / 1e6);
	return text;
}

} /* namespace */

int64_t latencyBoundNs(const TimingFigures &figures)
{
	return (figures.startOfExposure ? figures.periodNs : 0) + figures.periodNs +
	       figures.vblankNs;
}

std::optional<std::string> latencyFailure(const TimingFigures &figures)
{
	if (!figures.latencySamples)
		return "latency: no frame with a trusted capture time was shown";
	if (!figures.periodNs || !figures.vblankNs)
		return "latency: no frame period or vblank to bound it by";
	if (figures.latencyP99Ns <= latencyBoundNs(figures))
		return std::nullopt;
	return "latency: p99 " + msText(figures.latencyP99Ns) +
	       " ms, beyond one frame period and one vblank (" + msText(figures.periodNs) + " + " +
	       msText(figures.vblankNs) + " ms" +
	       (figures.startOfExposure
			? ", after the exposure's " + msText(figures.periodNs) + " ms"
			: std::string()) +
	       ")";
}

std::optional<std::string> gapsFailure(const TimingFigures &figures)
{
	if (figures.sequenceGaps <= figures.driverDrops)
		return std::nullopt;
	return "gaps: the sequence numbers skipped " + std::to_string(figures.sequenceGaps) +
	       " frames; the driver flagged " + std::to_string(figures.driverDrops);
}

std::optional<std::string> timingNotJudgedReason()
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int max = 0, ebx = 0, ecx = 0, edx = 0;
	__cpuid(0x40000000, max, ebx, ecx, edx);
	char signature[13] = {};
	std::memcpy(signature, &ebx, 4);
	std::memcpy(signature + 4, &ecx, 4);
	std::memcpy(signature + 8, &edx, 4);
	if (std::strcmp(signature, "TCGTCGTCGTCG") == 0)
		return "the CPU is QEMU's TCG emulator, whose timing is the host's scheduler's, "
		       "not the path's";
#endif
	return std::nullopt;
}

} /* namespace primecam */
