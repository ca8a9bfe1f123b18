/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/pixel_format.h"
#include "base/yuv_encoding.h"

namespace primecam {

/* What a config file says about a GL sink (see configs/README.md). Plain
 * data: it is parsed and checked also in builds without EGL. */
struct GlSinkConfig {
	enum class Platform {
		Gbm,	    /* GBM over `card`: the card's own buffers import for real */
		Surfaceless /* no card named; Mesa picks a device */
	};
	enum class Texture {
		Texture2D, /* GL_TEXTURE_2D: primecam's shader converts YUV */
		External   /* GL_TEXTURE_EXTERNAL_OES: the driver converts YUV */
	};
	enum class Import {
		Auto,  /* import where it works, else upload (counted, announced) */
		Upload /* always upload from a CPU mapping (for comparisons) */
	};

	Platform platform = Platform::Gbm;
	std::string card; /* gbm: a path or a driver name */
	/* The rendered size (gl-window: the window's first size); 0: the
	 * frame's. */
	uint32_t width = 0;
	uint32_t height = 0;
	/* gl-window only */
	std::string title = "primecam";
	bool fullscreen = false;
	/* YUV frames: what replaces the frames' own encoding (nothing,
	 * unless the config says) */
	YuvEncodingChoice encoding;
	Texture texture = Texture::Texture2D;
	Import import = Import::Auto;
};

/* Whether GL sinks draw this format: what FrameRenderer has shaders for,
 * 32-bit RGB and every YUV layout of the format table (packed 4:2:2,
 * semi-planar, planar). Here, and not in egl/, so the doctor knows it in
 * builds without EGL too. */
inline bool glCanDraw(const PixelFormatInfo &format)
{
	if (format.yuv)
		return true;
	for (std::string_view name : {"XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888"})
		if (format.name == name)
			return true;
	return false;
}

/*
 * Why YUV frames of this format and encoding cannot be drawn as external
 * textures (the driver converting, steered by EGL's colour-space and range
 * hints); std::nullopt when they can. softwareRenderer: Mesa's llvmpipe
 * (see EglCaps), whose failures here were measured on Mesa 22.3. Here, so
 * that the doctor says what the sink would.
 */
inline std::optional<std::string> externalYuvRefusal(const PixelFormatInfo &format,
						     YuvEncoding encoding, bool softwareRenderer)
{
	const std::string name(format.name);
	const std::string instead = "; texture = \"2d\" converts them in primecam's shader";
	/* llvmpipe samples a multi-plane YUV image as black, without an
	 * error: refuse rather than show nothing. */
	if (softwareRenderer && format.numPlanes > 1)
		return "the software rasterizer draws multi-plane YUV (" + name +
		       ") external images black" + instead;
	/* llvmpipe ignores the hints: it read BT.709 full YUYV as BT.601
	 * limited, 48 levels off. */
	if (softwareRenderer && encoding != YuvEncoding{})
		return "the software rasterizer ignores EGL's colour-space hints and reads "
		       "external YUV as bt601 limited, but these " +
		       name + " frames are " + describe(encoding) + instead;
	/* EGL_YUV_COLOR_SPACE_HINT_EXT names BT.601 and BT.709 only. */
	if (encoding.matrix == YuvMatrix::Bt2020)
		return "EGL's colour-space hints have no BT.2020, which these " + name +
		       " frames use" + instead;
	return std::nullopt;
}

/* For messages: what glCanDraw() takes. */
inline std::string glDrawableFormats()
{
	std::string names;
	for (const PixelFormatInfo &format : allFormats())
		if (glCanDraw(format))
			names += (names.empty() ? "" : ", ") + std::string(format.name);
	return names;
}

} /* namespace primecam */
