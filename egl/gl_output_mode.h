/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <utility>

#include "base/result.h"
#include "drm/kms_sink.h"
#include "drm/kms_sink_config.h"

namespace primecam {

/*
 * The mode's size for what GL draws on the display of `display` (the sink
 * that will scan it out, with its config): the mode a kms sink would choose
 * for an XRGB8888 frame of width x height, so that the plane needs no
 * scaling (vkms has none). Asked as the display: only DRM master makes the
 * kernel probe a connector, and before any probe (first use after boot) it
 * reads as not connected, without modes. The card is opened briefly for
 * that, unless the display already holds it as master (reconfigured), when
 * a second open could not become master: then it is asked through the
 * display's own card.
 */
Result<std::pair<uint32_t, uint32_t>> glOutputModeSize(const KmsSink &display,
						       const KmsSinkConfig &config, uint32_t width,
						       uint32_t height);

} /* namespace primecam */
