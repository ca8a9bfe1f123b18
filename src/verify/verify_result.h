/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace primecam {

/*
 * How frames of one verify case reach the display, in the order verify
 * prefers them: the camera's buffers scanned out as they are, a mem2mem
 * device converting them (the hardware does it, the CPU does nothing), a CPU
 * conversion stage, or a GL composition on a KMS plane.
 */
enum class VerifyPath {
	Direct,
	M2m,
	Conversion,
	GlKms,
};

const char *verifyPathName(VerifyPath path); /* "direct", "m2m", "convert", "gl-kms" */

enum class VerifyVerdict {
	Pass,
	Fail,
	NotApplicable, /* no path reaches the display: the doctor's reason */
};

const char *verifyVerdictName(VerifyVerdict verdict); /* "pass", "FAIL", "n/a" */

/* What one case of the matrix checked, and what it found. */
struct VerifyResult {
	/* "YUYV/640x480/mmap/single-planar/primary": format, size, memory,
	 * API, plane; what --only matches against. */
	std::string name;
	std::optional<VerifyPath> path; /* unset when not applicable */
	VerifyVerdict verdict = VerifyVerdict::NotApplicable;
	/* Not applicable: why (the doctor's words). Failed: one line per check
	 * that failed, each naming the check and where ("pixels: frame 41
	 * differs first at (64,0), in the region (64,0)-(127,31): ..."). */
	std::vector<std::string> reasons;

	/* The figures; all zero for a case not applicable. */
	uint64_t frames = 0;		/* captured */
	uint64_t displayed = 0;		/* shown by the kms sink */
	uint64_t copies = 0;		/* CPU copies of the path (0 on a zero-copy path) */
	uint64_t conversions = 0;	/* CPU conversions of the path */
	uint64_t deviceConversions = 0; /* frames the m2m device converted */
	uint64_t referenceCopies = 0;	/* verify's own copies, to compare against */
	uint64_t sequenceGaps = 0;	/* frames the sequence numbers skipped */
	uint64_t driverDrops = 0;	/* of those, the ones the driver flagged */
	/* Pixels: how the writeback frame was compared, and how many
	 * differed beyond the tolerance. */
	std::string pixels;	/* "exact", "within 2", "differs", "not compared" */
	uint32_t tolerance = 0; /* levels per channel */
	uint64_t pixelsDiffering = 0;
	uint64_t pixelSequence = 0; /* the captured frame found on screen */
	/* capture -> flip, ms; the bound is one frame period plus one vblank */
	double latencyP50Ms = 0;
	double latencyP99Ms = 0;
	double latencyBoundMs = 0;
	/* Whether gaps and latency were judged: not under an emulated CPU
	 * (timing_checks.h), where they are only reported. */
	bool timingJudged = true;
	/* left after the case: file descriptors; while streaming: the
	 * framebuffers and GEM handles the display made for the path's
	 * buffers, against the buffers it was given */
	int fdsLeaked = 0;
	uint64_t framebuffers = 0;
	uint64_t gemHandles = 0;
	uint64_t buffers = 0;
	double seconds = 0; /* the case's wall time */
	/* 2 when the case failed on latency alone and was measured again
	 * (the figures are the second run's). */
	uint32_t runs = 1;
};

} /* namespace primecam */
