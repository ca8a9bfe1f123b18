/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/image.h"
#include "base/result.h"

namespace primecam {

/*
 * PNG snapshots: 8-bit RGB, no alpha. The X byte of XRGB8888 is padding
 * (vkms's writeback leaves it at whatever the plane had), so writing it as
 * alpha would make some snapshots transparent.
 *
 * Accepted input formats: the 32-bit RGB layouts (XRGB8888, ARGB8888,
 * XBGR8888, ABGR8888, BGRX8888, BGRA8888), RGB888, BGR888, RGB565 and
 * XRGB16161616; others fail with ENOTSUP naming the format.
 */
Result<void> writePng(const Image &image, const std::string &path);

/* Reads a PNG as 8-bit RGB: format BGR888 (bytes R, G, B), stride 3 * width. */
Result<Image> readPng(const std::string &path);

} /* namespace primecam */
