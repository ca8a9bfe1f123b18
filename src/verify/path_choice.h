/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/verify/case_config.h"
#include "src/verify/verify_fault.h"
#include "src/verify/verify_matrix.h"

namespace primecam {

/* The path the doctor found for a case, or why there is none. */
struct PathChoice {
	std::optional<PathStage> stage; /* unset: not applicable */
	std::string configText;		/* the chosen path's config */
	/* Not applicable: why each path could not, in the order tried. */
	std::vector<std::string> refusals;
};

/*
 * Asks the doctor about each path in the order a board prefers them and
 * keeps the first it does not call impossible: direct, a mem2mem device
 * of this machine (the hardware converts, no CPU pass), a CPU conversion
 * (libyuv, one pass a frame), gl-kms. gl-kms on a software rasterizer is
 * refused here: its "GPU" is the CPU, which is no display path to certify,
 * and its frame is drawn rather than one camera buffer scanned out.
 *
 * Under VerifyFault::WrongMatrix a conversion of YUV is told to read the
 * frames with the other matrix.
 */
PathChoice choosePath(const CaseSpec &spec, const CameraOffer &camera, const DisplayOffer &display,
		      VerifyFault fault);

} /* namespace primecam */
