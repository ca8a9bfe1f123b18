/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the gl-window tests ask of the X server about a GLFW window, behind
 * functions so that the tests themselves never include Xlib (whose macros,
 * None, Bool and Status, clash with the headers of gtest and primecam).
 */

#include "base/image.h"
#include "base/result.h"

struct GLFWwindow;

namespace primecam::test {

/*
 * The X server's own image of the window (XGetImage), XRGB8888, top row
 * first: what the window shows, not what GL meant to draw. A round trip on
 * GLFW's connection, so every swap made before (an XPutImage on the same
 * connection, under Xvfb) is in it.
 */
Result<Image> windowImage(GLFWwindow *window);

/* Sends what a window manager sends for the close button: WM_PROTOCOLS,
 * WM_DELETE_WINDOW. GLFW sees it at its next poll of events. */
void sendWindowManagerClose(GLFWwindow *window);

} /* namespace primecam::test */
