/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"

namespace primecam {

/*
 * Whether the DRM card at cardPath can map the dma-buf fd as one of its
 * dumb buffers (DRM_IOCTL_MODE_MAP_DUMB on the handle PRIME gives it).
 *
 * That is exactly what Mesa's kms_swrast does with every EGLImage it
 * imports, and the kernel refuses it for imported GEM objects
 * (drm_gem_dumb_map_offset: "Don't allow imported objects to be mapped"):
 * true for the card's own buffers, false for foreign ones (V4L2 EXPBUF,
 * dma-heap, udmabuf, another card's buffers), which import "fine" and then
 * crash the process at the first draw. Probed on a fd of its own, so that
 * the handle it closes is not one Mesa holds.
 */
Result<bool> cardMapsAsDumb(const std::string &cardPath, int dmabufFd);

} /* namespace primecam */
