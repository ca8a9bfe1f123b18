/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "src/verify/verify_fault.h"

namespace primecam {

/* The arguments of `primecam verify`. */
struct VerifyOptions {
	std::string camera;    /* --camera: a V4L2 node or driver, "libcamera:ID"; "" the first */
	std::string display;   /* --display: a card path or driver; "" the first connected */
	uint64_t frames = 30;  /* --frames: per case */
	std::string only;      /* --only: globs or substrings, comma-separated */
	std::string jsonPath;  /* --json FILE */
	std::string junitPath; /* --junit FILE */
	VerifyFault fault = VerifyFault::None; /* --fault: verify's own test */
};

/*
 * `primecam verify`: the camera -> display compliance matrix. Enumerates
 * the cases the two devices offer (src/verify/verify_matrix.h), lets the
 * doctor pick each one's path, runs and checks each (case_runner.h), and
 * reports a table on stdout, and JSON and JUnit files when asked.
 *
 * Returns 0 when no case failed (cases not applicable do not fail), 1 when
 * one did or a device could not be asked.
 */
int verifyCommand(const VerifyOptions &options);

} /* namespace primecam */
