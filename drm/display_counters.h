/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

namespace primecam {

/* What a display's commits did (KmsDisplay counts them): for the stats
 * file's "displays", the tests and the benchmarks. */
struct DisplayCounters {
	uint64_t commits = 0;	   /* non-blocking commits issued */
	uint64_t planeUpdates = 0; /* planes changed by them, in all */
	uint64_t maxPlanesPerCommit = 0;
	/* Commits issued while another was in flight: the display serialises
	 * its commits, so this stays 0 (the kernel would answer EBUSY). */
	uint64_t overlapping = 0;
	/* EBUSY answers (another client's commit on the CRTC), retried at the
	 * next vblank. */
	uint64_t busy = 0;
};

} /* namespace primecam */
