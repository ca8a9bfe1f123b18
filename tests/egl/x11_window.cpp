/* SPDX-License-Identifier: MIT */
#include "tests/egl/x11_window.h"

#include <cerrno>
#include <cstring>
#include <string>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#define GLFW_EXPOSE_NATIVE_X11
#include <GLFW/glfw3native.h>

namespace primecam::test {

Result<Image> windowImage(GLFWwindow *window)
{
	Display *x11 = glfwGetX11Display();
	if (!x11 || !window)
		return Error{EINVAL, "windowImage: no X11 display or window"};
	Window xid = glfwGetX11Window(window);
	XWindowAttributes attributes;
	if (!XGetWindowAttributes(x11, xid, &attributes))
		return Error{EIO, "XGetWindowAttributes failed"};
	XImage *shot = XGetImage(x11, xid, 0, 0, static_cast<unsigned>(attributes.width),
				 static_cast<unsigned>(attributes.height), ~0UL, ZPixmap);
	if (!shot)
		return Error{EIO, "XGetImage failed"};
	/* Xvfb's depth-24 TrueColor visual: 32-bit 0x00RRGGBB words, which
	 * in memory on this little-endian machine are XRGB8888's B, G, R, X. */
	bool xrgb = shot->bits_per_pixel == 32 && shot->byte_order == LSBFirst &&
		    shot->red_mask == 0xff0000 && shot->green_mask == 0xff00 &&
		    shot->blue_mask == 0xff;
	Result<Image> result =
		Error{ENOTSUP, "XGetImage: " + std::to_string(shot->bits_per_pixel) +
				       " bits per pixel, not the 32-bit LSB-first 0x00RRGGBB of "
				       "a depth-24 TrueColor visual"};
	if (xrgb) {
		Image image;
		image.format = formatByName("XRGB8888");
		image.width = static_cast<uint32_t>(shot->width);
		image.height = static_cast<uint32_t>(shot->height);
		image.stride = image.width * 4;
		image.data.resize(static_cast<size_t>(image.stride) * image.height);
		for (uint32_t y = 0; y < image.height; ++y)
			std::memcpy(image.data.data() + y * image.stride,
				    shot->data + static_cast<size_t>(y) *
							 static_cast<size_t>(shot->bytes_per_line),
				    image.stride);
		result = std::move(image);
	}
	XDestroyImage(shot);
	return result;
}

void sendWindowManagerClose(GLFWwindow *window)
{
	Display *x11 = glfwGetX11Display();
	if (!x11 || !window)
		return;
	Window xid = glfwGetX11Window(window);
	XEvent event{};
	event.xclient.type = ClientMessage;
	event.xclient.window = xid;
	event.xclient.message_type = XInternAtom(x11, "WM_PROTOCOLS", False);
	event.xclient.format = 32;
	event.xclient.data.l[0] = static_cast<long>(XInternAtom(x11, "WM_DELETE_WINDOW", False));
	event.xclient.data.l[1] = 0; /* CurrentTime */
	XSendEvent(x11, xid, False, NoEventMask, &event);
	XFlush(x11);
}

} /* namespace primecam::test */
