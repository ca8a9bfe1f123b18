/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "src/verify/case_config.h"
#include "src/verify/verify_fault.h"
#include "src/verify/verify_result.h"

namespace primecam {

/*
 * Runs one case on its path and checks it (README.md, "Verify"):
 *  - pixels: the writeback frame against the captured frame the display
 *    says is on screen, converted by libyuv as the display should show it,
 *    within pixelTolerance();
 *  - copies: none on a zero-copy path, one conversion per frame on a
 *    converting one;
 *  - gaps: no sequence gap beyond the frames the driver flagged;
 *  - latency: p99 within one frame period plus one vblank;
 *    (gaps and latency are measured always, and judged unless
 *    timingNotJudged: timing_checks.h);
 *  - leaks: every fd closed after the case, and no framebuffer or GEM
 *    handle made while streaming (all are made at configure time).
 * The result's reasons say which failed, and where.
 */
VerifyResult runCase(const std::string &name, const PathStage &stage, const std::string &configText,
		     uint64_t frames, VerifyFault fault, bool timingNotJudged);

/*
 * How far a shown pixel may be from the captured one, in levels per
 * channel, and why (for the report):
 *  - 0 for 8-bit RGB scanned out as it is: the display shows the bytes;
 *  - 1 for RGB565 scanned out: the display widens 5 and 6 bits to 8 with
 *    its own rounding, libyuv by repeating the high bits;
 *  - 2 for a CPU conversion: the stage and the reference both call
 *    libyuv, whose row functions may round differently by alignment;
 *  - 8 for a mem2mem device: its own conversion (vim2m's integer YUV
 *    maths, RGB565's 5-bit channels: 7 levels of truncation).
 */
uint32_t pixelTolerance(VerifyPath path, const PixelFormatInfo &shown);

} /* namespace primecam */
