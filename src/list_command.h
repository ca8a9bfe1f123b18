/* SPDX-License-Identifier: MIT */
#pragma once

namespace primecam {

/*
 * `primecam list`: every V4L2 capture node, every libcamera camera and every DRM card
 * (/dev/dri/card*) with what a config file can ask of them, where EGL can
 * render, and which back-end modules this build has and which loaded, on
 * stdout.
 * Returns the exit status: 1 when a card could not be described (the
 * reason, with its errno, is printed in its place), else 0.
 */
int listCommand();

} /* namespace primecam */
