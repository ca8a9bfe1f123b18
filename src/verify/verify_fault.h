/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string_view>

namespace primecam {

/*
 * A fault verify can put into the path it checks, to show that its checks
 * catch what they exist for (`primecam verify --fault NAME`; the VM tests
 * use it). Each is a bug a real pipeline can have, made in verify's own
 * wrappers around the path, never in the path's code:
 */
enum class VerifyFault {
	None,
	/* A CPU stage reads the chroma plane from a misstated offset, 16
	 * chroma lines early: a buffer description recomputed instead of
	 * taken from the kernel's numbers. Two-plane YUV formats. */
	ChromaOffset,
	/* The display gives each buffer back to the camera as soon as it
	 * takes it, while it is still on screen. */
	EarlyRequeue,
	/* The CPU conversion reads YUV with the other matrix (BT.709 for
	 * BT.601 frames and the reverse). */
	WrongMatrix,
};

/* "chroma-offset", "early-requeue", "wrong-matrix"; nullopt for another name. */
std::optional<VerifyFault> verifyFaultByName(std::string_view name);
const char *verifyFaultName(VerifyFault fault);

} /* namespace primecam */
