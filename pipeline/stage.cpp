/* SPDX-License-Identifier: MIT */
#include "pipeline/stage.h"

#include <cerrno>

namespace primecam {

int Stage::process(const FrameBuffer &, const FrameMetadata &, const FrameBuffer *, StageWork &)
{
	/* Only a device stage lacks a process(), and the engine drives it
	 * through link() instead. */
	return -ENOTSUP;
}

} /* namespace primecam */
