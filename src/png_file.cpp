/* SPDX-License-Identifier: MIT */
#include "src/png_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <png.h>

namespace primecam {

namespace {

/* Bigger than any framebuffer (DRM's largest is 16384 wide): a PNG
 * claiming more is corrupt, and its size would overflow our buffers. */
constexpr uint32_t kMaxSide = 16384;

struct FileCloser {
	void operator()(FILE *f) const { fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

/* Byte offsets of R, G, B in one pixel of a byte-ordered format. */
struct ByteOrder {
	unsigned r, g, b;
};

/* The image as tightly packed R, G, B bytes. */
Result<std::vector<uint8_t>> toRgb(const Image &image)
{
	const PixelFormatInfo *format = image.format;
	if (!format)
		return Error{EINVAL, "snapshot image has no pixel format"};
	std::string what = std::to_string(image.width) + "x" + std::to_string(image.height) + " " +
			   std::string(format->name);
	if (!image.width || !image.height || image.width > kMaxSide || image.height > kMaxSide)
		return Error{EINVAL, "snapshot image " + what + ": size out of range"};

	uint32_t line = format->minLineBytes(0, image.width);
	if (format->numPlanes != 1 || line == 0)
		return Error{ENOTSUP, "snapshot image " + what + ": no RGB conversion for " +
					      std::string(format->name)};
	if (image.stride < line ||
	    image.data.size() < static_cast<size_t>(image.stride) * (image.height - 1) + line)
		return Error{EINVAL, "snapshot image " + what + ": stride " +
					     std::to_string(image.stride) + " and " +
					     std::to_string(image.data.size()) +
					     " bytes do not hold the image"};

	/* DRM names components from the most significant end of a
	 * little-endian word, so XRGB8888 is B, G, R, X in memory. Matched by
	 * name: drm_fourcc.h's macros are C casts that -Wold-style-cast refuses. */
	static const struct {
		std::string_view name;
		int kind; /* bytes per pixel, or 565, or 16 (16 bits per channel) */
		ByteOrder order;
	} kLayouts[] = {
		{"XRGB8888", 4, {2, 1, 0}}, {"ARGB8888", 4, {2, 1, 0}}, {"XBGR8888", 4, {0, 1, 2}},
		{"ABGR8888", 4, {0, 1, 2}}, {"BGRX8888", 4, {1, 2, 3}}, {"BGRA8888", 4, {1, 2, 3}},
		{"RGB888", 3, {2, 1, 0}},   {"BGR888", 3, {0, 1, 2}},	{"RGB565", 565, {}},
		{"XRGB16161616", 16, {}},
	};
	int kind = 0;
	ByteOrder order = {};
	for (const auto &layout : kLayouts) {
		if (layout.name == format->name) {
			kind = layout.kind;
			order = layout.order;
		}
	}
	if (!kind)
		return Error{ENOTSUP, "snapshot image " + what + ": no RGB conversion for " +
					      std::string(format->name)};

	std::vector<uint8_t> rgb(static_cast<size_t>(image.width) * image.height * 3);
	uint8_t *out = rgb.data();
	for (uint32_t y = 0; y < image.height; ++y) {
		const uint8_t *p = image.data.data() + static_cast<size_t>(y) * image.stride;
		for (uint32_t x = 0; x < image.width; ++x) {
			if (kind == 3 || kind == 4) {
				const uint8_t *px = p + static_cast<size_t>(x) * kind;
				*out++ = px[order.r];
				*out++ = px[order.g];
				*out++ = px[order.b];
			} else if (kind == 565) {
				const uint8_t *px = p + static_cast<size_t>(x) * 2;
				unsigned v = px[0] | (px[1] << 8);
				unsigned r = (v >> 11) & 0x1f, g = (v >> 5) & 0x3f, b = v & 0x1f;
				/* Replicate the top bits so that full scale maps to 255. */
				*out++ = static_cast<uint8_t>((r << 3) | (r >> 2));
				*out++ = static_cast<uint8_t>((g << 2) | (g >> 4));
				*out++ = static_cast<uint8_t>((b << 3) | (b >> 2));
			} else {
				/* Little-endian 16-bit B, G, R, X: keep the high bytes. */
				const uint8_t *px = p + static_cast<size_t>(x) * 8;
				*out++ = px[5];
				*out++ = px[3];
				*out++ = px[1];
			}
		}
	}
	return rgb;
}

} /* namespace */

Result<void> writePng(const Image &image, const std::string &path)
{
	Result<std::vector<uint8_t>> rgb = toRgb(image);
	if (!rgb)
		return Error{rgb.error().code, path + ": " + rgb.error().message};

	File file(fopen(path.c_str(), "wbe"));
	if (!file)
		return Error::fromErrno(errno, "creating snapshot " + path);

	/* libpng's simplified API: its own setjmp error handling stays inside
	 * libpng, so no longjmp crosses our frames. */
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = image.width;
	png.height = image.height;
	png.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_stdio(&png, file.get(), 0, rgb->data(),
				      static_cast<png_int_32>(image.width * 3), nullptr)) {
		std::string message = "writing snapshot " + path + ": " + png.message;
		png_image_free(&png);
		return Error{EIO, message};
	}

	/* Errors of buffered writes (a full disk) show at flush and close. */
	errno = 0;
	if (fflush(file.get()) != 0 || ferror(file.get()))
		return Error::fromErrno(errno ? errno : EIO, "writing snapshot " + path);
	if (fclose(file.release()) != 0)
		return Error::fromErrno(errno, "closing snapshot " + path);
	return {};
}

Result<Image> readPng(const std::string &path)
{
	File file(fopen(path.c_str(), "rbe"));
	if (!file)
		return Error::fromErrno(errno, "opening PNG " + path);

	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_stdio(&png, file.get())) {
		std::string message = "reading PNG " + path + ": " + png.message;
		png_image_free(&png);
		return Error{EINVAL, message};
	}
	if (!png.width || !png.height || png.width > kMaxSide || png.height > kMaxSide) {
		std::string message = "reading PNG " + path + ": size " +
				      std::to_string(png.width) + "x" + std::to_string(png.height) +
				      " out of range";
		png_image_free(&png);
		return Error{EINVAL, message};
	}

	Image image;
	image.format = formatByName("BGR888");
	image.width = png.width;
	image.height = png.height;
	image.stride = png.width * 3;
	image.data.resize(static_cast<size_t>(image.stride) * image.height);
	png.format = PNG_FORMAT_RGB;
	/* finish_read frees the png_image's internals, success or not. */
	if (!png_image_finish_read(&png, nullptr, image.data.data(),
				   static_cast<png_int_32>(image.stride), nullptr))
		return Error{EINVAL, "reading PNG " + path + ": " + png.message};
	return image;
}

} /* namespace primecam */
