/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/pixel_format.h"
#include "base/yuv_encoding.h"
#include "src/verify/verify_fault.h"
#include "src/verify/verify_matrix.h"

namespace primecam {

/* The stage a path puts between the camera and the plane. */
struct PathStage {
	VerifyPath path = VerifyPath::Direct;
	/* M2m: the device's driver; M2m and Conversion: what it writes. */
	std::string m2mDriver;
	const PixelFormatInfo *writes = nullptr;
	/* Conversion under VerifyFault::WrongMatrix: the matrix the stage is
	 * told to read with instead of the frames' own. */
	std::optional<YuvMatrix> matrix;
};

/*
 * The pipeline config of one case on one path, as TOML: the same text a
 * user would write for it, parsed by the same parser as every config, so
 * that verify runs exactly what `primecam run` would.
 */
std::string caseConfigText(const CaseSpec &spec, const PathStage &stage, const CameraOffer &camera,
			   const DisplayOffer &display);

} /* namespace primecam */
