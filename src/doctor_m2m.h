/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/pixel_format.h"
#include "src/pipeline_config.h"

namespace primecam {

/* An m2m [[stage]] as the doctor sees it before streaming: whether the device
 * reads frames of `input` at width x height (its OUTPUT queue's formats and
 * sizes) and writes the config's format and size (its CAPTURE queue's), and
 * the line that says so: a refusal in the words the stage would use. */
struct M2mDiagnosis {
	bool takes = false;
	std::string line;
};

M2mDiagnosis diagnoseM2m(const StageConfig &stage, const PixelFormatInfo &input, uint32_t width,
			 uint32_t height);

} /* namespace primecam */
