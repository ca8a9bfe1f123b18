/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "base/cpu_access.h"
#include "base/result.h"
#include "egl/gl_objects.h"
#include "egl/gl_sink_config.h"
#include "egl/plane_image.h"
#include "egl/uploaded_textures.h"
#include "pipeline/buffer_key.h"
#include "pipeline/frame.h"

namespace primecam {

class EglDisplay;

/*
 * Draws frames with GLES, for every GL sink: each buffer of the source is
 * imported once at configure (EGL_EXT_image_dma_buf_import -> EGLImage ->
 * texture, cached by buffer identity) and drawing a frame only binds its
 * textures.
 *
 * As GL_TEXTURE_2D (the default), YUV is converted by our own shader, with
 * the matrix and range the frames carry (the producer's colorimetry) unless
 * the config overrides them, and the result matches libyuv's: every plane
 * is imported as a plain RGB image the driver cannot misread. Packed 4:2:2
 * (YUYV, UYVY, ...) is an ARGB8888 image of half the width (one texel per
 * pixel pair); semi-planar (NV12, NV16, ...) an R8 image plus a GR88 image;
 * planar (YUV420, YUV422, ...) three R8 images. Mesa's two-plane NV12
 * import as one image gives black output without an error on llvmpipe.
 *
 * As GL_TEXTURE_EXTERNAL_OES, a YUV buffer is one EGLImage of its own
 * fourcc, with EGL_YUV_COLOR_SPACE_HINT_EXT and EGL_SAMPLE_RANGE_HINT_EXT
 * from the same encoding, and the driver converts when sampling: the path
 * of GPUs whose texture units read YUV (what Weston and Chromium use).
 *
 * Where import is not offered, refused, or known to crash (see
 * EglCaps::softwareRenderer), every frame is uploaded from a CPU mapping
 * made once at configure, bracketed by DMA_BUF_IOCTL_SYNC (UploadedTextures):
 * a copy, which the caller counts and announces.
 */
class FrameRenderer
{
public:
	explicit FrameRenderer(const EglDisplay &display) : display_(display) {}

	/* Tears down an earlier configuration, then imports (or maps) every
	 * buffer; refuses a format it cannot draw, naming the ones it can. */
	Result<void> configure(std::span<const FrameBuffer> buffers, const GlSinkConfig &config);
	/* Draws buffer over the current viewport of the bound framebuffer.
	 * Returns true when the frame was uploaded (a copy). */
	Result<bool> draw(const FrameBuffer &buffer);
	/* Draws buffer without uploading it: at configure, so that the
	 * shader's first-draw compilation (seconds on llvmpipe under
	 * emulation) does not stall the first frame. */
	Result<void> warmUp(const FrameBuffer &buffer);
	/* Destroys every texture and EGLImage (with the buffers). */
	void clear();

	/* A window's default framebuffer has row 0 at the bottom of the
	 * screen; an FBO or a scanout buffer has it first in memory. true:
	 * the frame's row 0 goes to the top of the target. */
	void setFlipY(bool flip) { flipY_ = flip; }

	/* Tests: memfd buffers have no DMA_BUF_IOCTL_SYNC; count it instead. */
	void setSyncFunction(CpuAccess::SyncFn sync) { upload_.setSyncFunction(sync); }

	bool uploading() const { return uploading_; }
	/* Why frames are uploaded, or how they are imported; for YUV, the
	 * encoding read and where it came from. */
	const std::string &pathNote() const { return pathNote_; }
	/* YUV: the matrix and range the shader (or the driver) uses. */
	YuvEncoding encoding() const { return encoding_; }
	/* EGLImages alive now, and made since construction. */
	size_t imageCount() const;
	uint64_t imagesCreated() const { return imagesCreated_; }

	/* The formats draw() handles. */
	static bool canDraw(const PixelFormatInfo &format);

private:
	/* The shader's frameLayout values. */
	enum class Layout {
		Rgb,	    /* 32-bit RGB, sampled as is */
		Packed422,  /* Y0 Cb Y1 Cr in some order: one RGBA texel per pixel pair */
		SemiPlanar, /* Y plane + interleaved chroma plane */
		Planar,	    /* Y, Cb and Cr planes */
		External    /* sampled through samplerExternalOES: the driver converts */
	};
	/* The EGLImages of one imported buffer, and their textures. */
	struct Textures {
		std::array<EglImage, 3> images;
		std::array<GlTexture, 3> textures;
	};

	std::vector<PlaneImage> planeImages() const;
	Result<void> buildProgram();
	void setUniforms();
	Result<Textures> import(const FrameBuffer &buffer);
	Result<bool> drawTextures(const FrameBuffer &buffer, bool fresh);
	/* Why this pool must be uploaded; empty when it can be imported. */
	std::string importRefusal(std::span<const FrameBuffer> buffers) const;

	const EglDisplay &display_;
	GlSinkConfig config_;
	const PixelFormatInfo *format_ = nullptr;
	YuvEncoding encoding_; /* the frames', as the config leaves it */
	Layout layout_ = Layout::Rgb;
	std::vector<PlaneImage> images_; /* planeImages(), listed at configure */
	unsigned target_ = 0;		 /* GL_TEXTURE_2D or GL_TEXTURE_EXTERNAL_OES */
	uint32_t width_ = 0;
	uint32_t height_ = 0;

	GlProgram program_;
	GlVertexArray vao_;
	int locFlipY_ = -1;
	bool flipY_ = false;

	bool uploading_ = false;
	std::string pathNote_;
	std::map<BufferKey, Textures> imported_;
	UploadedTextures upload_;
	uint64_t imagesCreated_ = 0;
};

} /* namespace primecam */
