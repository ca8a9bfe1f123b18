/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"
#include "src/verify/verify_matrix.h"

namespace primecam {

/*
 * The display under test, asked without taking it: the first connected
 * connector's modes (the preferred one first), and the formats of its
 * primary and overlay planes. card: a path or a driver name, as a config's
 * kms sink names it; empty: the first card with a connected connector.
 */
Result<DisplayOffer> displayOffer(const std::string &card);

/*
 * The camera under test: its formats (those primecam knows), each with the
 * sizes it gives among the display's mode sizes and smaller ones, its APIs
 * and the dma-buf pools it may capture into. camera: a V4L2 node or driver
 * name, as a config's v4l2 source names it; "libcamera:ID" (ID as `primecam
 * list` prints it, or an index); empty: the first capture node.
 */
Result<CameraOffer> cameraOffer(const std::string &camera, const DisplayOffer &display);

} /* namespace primecam */
