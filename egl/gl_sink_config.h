/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/pixel_format.h"
#include "pipeline/stages/image_convert.h"

namespace primecam {

/* What a config file says about a GL sink (see configs/README.md). Plain
 * data: it is parsed and checked also in builds without EGL. */
struct GlSinkConfig {
	enum class Platform {
		Gbm,	    /* GBM over `card`: the card's own buffers import for real */
		Surfaceless /* no card named; Mesa picks a device */
	};
	enum class Texture {
		Texture2D, /* GL_TEXTURE_2D: sampled by our shaders, YUV included */
		External   /* GL_TEXTURE_EXTERNAL_OES (RGB formats only) */
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
	YuvEncoding encoding; /* of YUV frames */
	Texture texture = Texture::Texture2D;
	Import import = Import::Auto;
};

/* Whether GL sinks draw this format (by its DRM name): what FrameRenderer
 * has shaders for. Here, and not in egl/, so the doctor knows it in builds
 * without EGL too. */
inline bool glCanDraw(const PixelFormatInfo &format)
{
	for (std::string_view name :
	     {"XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888", "YUYV", "NV12"})
		if (format.name == name)
			return true;
	return false;
}

} /* namespace primecam */
