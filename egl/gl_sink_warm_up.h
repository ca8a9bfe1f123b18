/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"
#include "egl/frame_renderer.h"
#include "pipeline/frame.h"

namespace primecam {

/*
 * The end of every GL sink's configure(): the frame shader's first draw, at
 * configure rather than on the first frame (its compilation takes seconds on
 * llvmpipe under emulation), then, never silent, a copy in place of zero-copy
 * said once per sink on stderr (the stats count every copy as well).
 */
class GlSinkWarmUp
{
public:
	/* Into the bound framebuffer's viewport. sink: the sink's describe(),
	 * which the messages start with. */
	Result<void> run(FrameRenderer &renderer, const FrameBuffer &first,
			 const std::string &sink);

private:
	/* The upload was said already: a reconfigure does not repeat it. */
	bool uploadAnnounced_ = false;
};

} /* namespace primecam */
