/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/pixel_format.h"
#include "src/pipeline_config.h"

namespace primecam {

/* An m2m [[stage]] as the doctor sees it before streaming: whether the device
 * reads frames of `input` (its OUTPUT queue's formats) and writes the
 * config's format (its CAPTURE queue's), and the line that says so. */
struct M2mDiagnosis {
	bool takes = false;
	std::string line;
};

M2mDiagnosis diagnoseM2m(const StageConfig &stage, const PixelFormatInfo &input);

} /* namespace primecam */
