/* SPDX-License-Identifier: MIT */
#include "egl/gl_sink_warm_up.h"

#include <cstdio>

namespace primecam {

Result<void> GlSinkWarmUp::run(FrameRenderer &renderer, const FrameBuffer &first,
			       const std::string &sink)
{
	Result<void> ret = renderer.warmUp(first);
	if (!ret)
		return Error{ret.error().code, sink + ": " + ret.error().message};
	if (renderer.uploading() && !uploadAnnounced_) {
		fprintf(stderr, "primecam: %s: %s\n", sink.c_str(), renderer.pathNote().c_str());
		uploadAnnounced_ = true;
	}
	return {};
}

} /* namespace primecam */
