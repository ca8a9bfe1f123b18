/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "drm/kms_sink.h"
#include "src/verify/reference_stage.h"

namespace primecam::test {

/*
 * The zero-copy check: what vkms scans out (its writeback connector) against
 * the frame as it was captured, for the sequence the display says is on
 * screen. The reference is the tap's copy, made when the frame passed, not
 * the capture buffer's bytes now: a buffer given back to the camera while on
 * screen changes on both sides at once, and a comparison with its current
 * bytes would pass. The frame is placed at (x0, y0) on the screen.
 *
 * Returns the number of differing pixels (0: the display shows that frame
 * as captured) and describes the first in *first; an error when there is no
 * writeback, no frame on screen or no copy of it.
 */
Result<size_t> writebackDiffersFromCapture(KmsSink &sink, ReferenceStage &tap, uint32_t x0 = 0,
					   uint32_t y0 = 0, std::string *first = nullptr);

} /* namespace primecam::test */
