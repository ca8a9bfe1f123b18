/* SPDX-License-Identifier: MIT */
#include "egl/frame_renderer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <vector>

#include <GLES2/gl2ext.h>
#include <drm_fourcc.h>

#include "egl/egl_display.h"
#include "egl/import_probe.h"

namespace primecam {

void EglImage::reset()
{
	if (image_ != EGL_NO_IMAGE_KHR && display_)
		display_->destroyImage(display_->display(), image_);
	image_ = EGL_NO_IMAGE_KHR;
}

namespace {

/*
 * Pixel (i, j) of the target samples texel (i, j) of the frame (texelFetch,
 * no filtering, no rounding of coordinates), so that an unscaled draw is the
 * frame exactly; a scaled one is nearest-neighbour. uv.y = 0 at the bottom
 * of clip space: row 0 of the frame goes to GL's row 0, which is the first
 * row of memory of the render target (and what glReadPixels returns first).
 */
const char *kVertexShader = R"(#version 300 es
uniform bool flipY;
out vec2 uv;
void main() {
	vec2 pos = vec2(gl_VertexID == 1 || gl_VertexID == 3 ? 1.0 : -1.0,
			gl_VertexID >= 2 ? 1.0 : -1.0);
	uv = (pos + 1.0) * 0.5;
	if (flipY)
		uv.y = 1.0 - uv.y;
	gl_Position = vec4(pos, 0.0, 1.0);
}
)";

/*
 * frameLayout 0: RGB. 1: packed 4:2:2, one RGBA texel per pixel pair, where
 * packedOrder names the texel components holding Y0, Y1, Cb and Cr. 2:
 * semi-planar, R8 luma and RG chroma (chromaSwap: stored Cr, Cb). 3:
 * planar, R8 luma, Cb and Cr. Chroma texel (x, y) covers luma texels
 * (x * chromaSub.x, y * chromaSub.y) on. `swap`: an RGB texture holds the
 * bytes in memory order (an upload) rather than the DRM format's
 * components (an import): XRGB8888's bytes are B, G, R, X.
 */
const char *kFragmentShader2d = R"(#version 300 es
precision highp float;
precision highp int;
uniform highp sampler2D tex0;
uniform highp sampler2D tex1;
uniform highp sampler2D tex2;
uniform int frameLayout;
uniform bool swap;
uniform ivec4 packedOrder;
uniform bool chromaSwap;
uniform ivec2 chromaSub;
uniform mat3 yuvMatrix;
uniform vec3 yuvOffset;
uniform vec2 size;
in vec2 uv;
out vec4 color;
void main() {
	ivec2 p = ivec2(floor(uv * size));
	if (frameLayout == 0) {
		vec4 c = texelFetch(tex0, p, 0);
		color = vec4(swap ? c.bgr : c.rgb, 1.0);
		return;
	}
	vec3 yuv;
	ivec2 q = p / chromaSub;
	if (frameLayout == 1) {
		vec4 t = texelFetch(tex0, ivec2(p.x / 2, p.y), 0);
		yuv = vec3(t[(p.x & 1) == 0 ? packedOrder.x : packedOrder.y],
			   t[packedOrder.z], t[packedOrder.w]);
	} else if (frameLayout == 2) {
		vec2 c = texelFetch(tex1, q, 0).rg;
		yuv = vec3(texelFetch(tex0, p, 0).r, chromaSwap ? c.yx : c);
	} else {
		yuv = vec3(texelFetch(tex0, p, 0).r, texelFetch(tex1, q, 0).r,
			   texelFetch(tex2, q, 0).r);
	}
	color = vec4(clamp(yuvMatrix * (yuv - yuvOffset), 0.0, 1.0), 1.0);
}
)";

/*
 * External images can only be sampled with texture() (no texelFetch in
 * GL_OES_EGL_image_external_essl3); with NEAREST filtering and an unscaled
 * draw every fragment samples its own texel's centre. YUV arrives as RGB:
 * the driver converted it, following the image's colour-space hints.
 */
const char *kFragmentShaderExternal = R"(#version 300 es
#extension GL_OES_EGL_image_external_essl3 : require
precision highp float;
uniform samplerExternalOES tex0;
uniform int frameLayout;
uniform bool swap;
in vec2 uv;
out vec4 color;
void main() {
	vec4 c = texture(tex0, uv);
	color = vec4(swap ? c.bgr : c.rgb, 1.0);
}
)";

Result<GlShader> compile(GLenum type, const char *source)
{
	GlShader shader(glCreateShader(type));
	glShaderSource(shader.get(), 1, &source, nullptr);
	glCompileShader(shader.get());
	GLint ok = GL_FALSE;
	glGetShaderiv(shader.get(), GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[1024] = {};
		glGetShaderInfoLog(shader.get(), sizeof(log), nullptr, log);
		return Error{EINVAL, std::string("compiling a shader: ") + log};
	}
	return shader;
}

/*
 * Y'CbCr -> R'G'B' for normalised inputs, column-major as GL wants it, from
 * the matrix's Kr and Kb (see lumaWeights()). Limited range scales Y by
 * 255/219 and C by 255/224 around 16 and 128.
 */
void yuvCoefficients(YuvEncoding encoding, float matrix[9], float offset[3])
{
	LumaWeights weights = lumaWeights(encoding.matrix);
	double kr = weights.kr;
	double kb = weights.kb;
	double kg = 1.0 - kr - kb;
	bool limited = encoding.range == YuvRange::Limited;
	double ys = limited ? 255.0 / 219.0 : 1.0;
	double cs = limited ? 255.0 / 224.0 : 1.0;
	double rv = 2.0 * (1.0 - kr) * cs;
	double bu = 2.0 * (1.0 - kb) * cs;
	double gu = -2.0 * (1.0 - kb) * kb / kg * cs;
	double gv = -2.0 * (1.0 - kr) * kr / kg * cs;
	/* columns: Y, Cb, Cr */
	const double m[9] = {ys, ys, ys, 0.0, gu, bu, rv, gv, 0.0};
	for (int i = 0; i < 9; ++i)
		matrix[i] = static_cast<float>(m[i]);
	offset[0] = limited ? 16.0f / 255.0f : 0.0f;
	offset[1] = offset[2] = 128.0f / 255.0f;
}

/*
 * Packed 4:2:2: the byte (0..3) of a pixel pair holding Y0, Y1, Cb and Cr.
 * DRM names these formats by byte order, like V4L2.
 */
std::array<int, 4> packedBytes(uint32_t fourcc)
{
	switch (fourcc) {
	case DRM_FORMAT_YVYU:
		return {0, 2, 3, 1};
	case DRM_FORMAT_UYVY:
		return {1, 3, 0, 2};
	case DRM_FORMAT_VYUY:
		return {1, 3, 2, 0};
	default: /* YUYV */
		return {0, 2, 1, 3};
	}
}

/* YVU420, YVU422: the Cr plane comes before the Cb plane. */
bool crFirst(uint32_t fourcc)
{
	return fourcc == DRM_FORMAT_YVU420 || fourcc == DRM_FORMAT_YVU422;
}

/* NV21, NV61: each chroma pair is stored Cr, Cb. */
bool crCbPairs(uint32_t fourcc)
{
	return fourcc == DRM_FORMAT_NV21 || fourcc == DRM_FORMAT_NV61;
}

/* EGL_EXT_image_dma_buf_import's attributes of plane i. */
struct PlaneAttributes {
	EGLint fd, offset, pitch, modifierLo, modifierHi;
};
constexpr PlaneAttributes kPlaneAttributes[3] = {
	{EGL_DMA_BUF_PLANE0_FD_EXT, EGL_DMA_BUF_PLANE0_OFFSET_EXT, EGL_DMA_BUF_PLANE0_PITCH_EXT,
	 EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT},
	{EGL_DMA_BUF_PLANE1_FD_EXT, EGL_DMA_BUF_PLANE1_OFFSET_EXT, EGL_DMA_BUF_PLANE1_PITCH_EXT,
	 EGL_DMA_BUF_PLANE1_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE1_MODIFIER_HI_EXT},
	{EGL_DMA_BUF_PLANE2_FD_EXT, EGL_DMA_BUF_PLANE2_OFFSET_EXT, EGL_DMA_BUF_PLANE2_PITCH_EXT,
	 EGL_DMA_BUF_PLANE2_MODIFIER_LO_EXT, EGL_DMA_BUF_PLANE2_MODIFIER_HI_EXT},
};

} /* namespace */

bool FrameRenderer::canDraw(const PixelFormatInfo &format)
{
	return glCanDraw(format);
}

size_t FrameRenderer::imageCount() const
{
	size_t n = 0;
	for (const auto &[key, textures] : imported_)
		for (const EglImage &image : textures.images)
			n += image ? 1 : 0;
	return n;
}

void FrameRenderer::clear()
{
	/* Textures before images: a texture is a sibling of its EGLImage. */
	for (auto &[key, textures] : imported_)
		for (GlTexture &texture : textures.textures)
			texture.reset();
	imported_.clear();
	upload_.clear();
	uploading_ = false;
}

Result<void> FrameRenderer::buildProgram()
{
	if (program_)
		return {};
	const char *fragment =
		target_ == GL_TEXTURE_EXTERNAL_OES ? kFragmentShaderExternal : kFragmentShader2d;
	Result<GlShader> vs = compile(GL_VERTEX_SHADER, kVertexShader);
	if (!vs)
		return std::move(vs).error();
	Result<GlShader> fs = compile(GL_FRAGMENT_SHADER, fragment);
	if (!fs)
		return std::move(fs).error();
	GlProgram program(glCreateProgram());
	glAttachShader(program.get(), vs->get());
	glAttachShader(program.get(), fs->get());
	glLinkProgram(program.get());
	GLint ok = GL_FALSE;
	glGetProgramiv(program.get(), GL_LINK_STATUS, &ok);
	if (!ok) {
		char log[1024] = {};
		glGetProgramInfoLog(program.get(), sizeof(log), nullptr, log);
		return Error{EINVAL, std::string("linking the frame shader: ") + log};
	}
	program_ = std::move(program);
	vao_ = GlVertexArray::create();
	locFlipY_ = glGetUniformLocation(program_.get(), "flipY");
	return {};
}

/*
 * What stays the same for every frame of a configuration: set once, kept by
 * the program object. (A uniform the shader does not use has location -1,
 * which glUniform* ignores: the external shader takes only a few.)
 */
void FrameRenderer::setUniforms()
{
	GLuint program = program_.get();
	auto location = [program](const char *name) { return glGetUniformLocation(program, name); };
	glUseProgram(program);
	glUniform1i(location("tex0"), 0);
	glUniform1i(location("tex1"), 1);
	glUniform1i(location("tex2"), 2);
	glUniform1i(location("frameLayout"), static_cast<GLint>(layout_));
	/* An upload holds the bytes in memory order, an import the DRM
	 * format's components (see the fragment shader). XBGR8888's bytes are
	 * R, G, B, X already, so only XRGB/ARGB swap. */
	bool bytesAreBgr =
		format_->drm == DRM_FORMAT_XRGB8888 || format_->drm == DRM_FORMAT_ARGB8888;
	glUniform1i(location("swap"), uploading_ && layout_ == Layout::Rgb && bytesAreBgr);
	if (layout_ == Layout::Packed422) {
		/* An upload's texel holds bytes 0..3 as R, G, B, A; an
		 * ARGB8888 import's as B, G, R, A. */
		static constexpr int kImportComponent[4] = {2, 1, 0, 3};
		std::array<int, 4> bytes = packedBytes(format_->drm);
		GLint order[4];
		for (int i = 0; i < 4; ++i)
			order[i] = uploading_ ? bytes[i] : kImportComponent[bytes[i]];
		glUniform4iv(location("packedOrder"), 1, order);
	}
	glUniform1i(location("chromaSwap"), crCbPairs(format_->drm));
	glUniform2i(location("chromaSub"), std::max<GLint>(1, format_->planes[1].hSub),
		    std::max<GLint>(1, format_->planes[1].vSub));
	float matrix[9], offset[3];
	yuvCoefficients(encoding_, matrix, offset);
	glUniformMatrix3fv(location("yuvMatrix"), 1, GL_FALSE, matrix);
	glUniform3fv(location("yuvOffset"), 1, offset);
	glUniform2f(location("size"), static_cast<float>(width_), static_cast<float>(height_));
}

/*
 * The textures a buffer is drawn from, in the shader's order (tex0, tex1,
 * tex2), each an image over one colour plane: what is imported, or
 * uploaded. Sizes in texels: a pixel pair of packed 4:2:2 is one RGBA
 * texel, a chroma plane is the luma size divided by its subsampling
 * (rounding up: an odd-width 4:2:0 image has chroma for its last column).
 */
std::vector<PlaneImage> FrameRenderer::planeImages() const
{
	auto sub = [](uint32_t n, uint32_t by) { return (n + by - 1) / std::max<uint32_t>(by, 1); };
	const uint32_t cw = sub(width_, format_->planes[1].hSub);
	const uint32_t ch = sub(height_, format_->planes[1].vSub);
	switch (layout_) {
	case Layout::Rgb:
		return {{format_->drm, 0, width_, height_, GL_RGBA8, GL_RGBA, 4}};
	case Layout::Packed422:
		return {{DRM_FORMAT_ARGB8888, 0, sub(width_, 2), height_, GL_RGBA8, GL_RGBA, 4}};
	case Layout::SemiPlanar:
		return {{DRM_FORMAT_R8, 0, width_, height_, GL_R8, GL_RED, 1},
			{DRM_FORMAT_GR88, 1, cw, ch, GL_RG8, GL_RG, 2}};
	case Layout::Planar: {
		unsigned cb = crFirst(format_->drm) ? 2 : 1;
		return {{DRM_FORMAT_R8, 0, width_, height_, GL_R8, GL_RED, 1},
			{DRM_FORMAT_R8, cb, cw, ch, GL_R8, GL_RED, 1},
			{DRM_FORMAT_R8, 3 - cb, cw, ch, GL_R8, GL_RED, 1}};
	}
	case Layout::External:
		break;
	}
	/* One image of the frame's own format over all its planes. */
	return {{format_->drm, 0, width_, height_, 0, 0, 0}};
}

std::string FrameRenderer::importRefusal(std::span<const FrameBuffer> buffers) const
{
	const EglCaps &caps = display_.caps();
	if (config_.import == GlSinkConfig::Import::Upload)
		return "the config asks for import = \"upload\"";
	if (!caps.dmaBufImport)
		return "EGL " + display_.describe() + " offers no EGL_EXT_image_dma_buf_import";
	if (!caps.softwareRenderer)
		return {};

	/* Mesa's software rasterizer maps every import as a dumb buffer of
	 * the card it renders on: only that card's own buffers survive the
	 * first draw. Probe each buffer the way kms_swrast will use it. */
	std::string card = display_.platform() == EglDisplay::Platform::Gbm ? display_.card().path()
									    : caps.deviceFile;
	std::string who = "the software rasterizer (" + caps.renderer + ")";
	if (card.empty() || card.find("/renderD") != std::string::npos)
		return who + " on no known card cannot read imported dma-bufs";
	for (const FrameBuffer &buffer : buffers) {
		for (uint32_t p = 0; p < buffer.numPlanes; ++p) {
			Result<bool> own = cardMapsAsDumb(card, buffer.planes[p].fd);
			if (!own)
				return who + ": " + own.error().message;
			if (!*own)
				return who + " reads imports through " + card +
				       "'s dumb-buffer mappings, and buffer " +
				       std::to_string(buffer.index) +
				       " was not allocated there (a foreign dma-buf would crash "
				       "the first draw); allocate the buffers on " +
				       card +
				       " (memory = \"dmabuf\", pool = \"dumb\") for zero-copy";
		}
	}
	return {};
}

Result<void> FrameRenderer::configure(std::span<const FrameBuffer> buffers,
				      const GlSinkConfig &config)
{
	clear();
	if (buffers.empty())
		return Error{EINVAL, "no buffers to import"};
	const FrameBuffer &first = buffers.front();
	if (!first.format || !canDraw(*first.format))
		return Error{ENOTSUP, "GL cannot draw " +
					      (first.format ? std::string(first.format->name)
							    : std::string("an unknown format")) +
					      "; it takes " + glDrawableFormats()};
	config_ = config;
	format_ = first.format;
	width_ = first.width;
	height_ = first.height;
	encoding_ = config.encoding.applyTo(first.encoding);
	const bool yuv = format_->yuv;
	layout_ = !yuv			    ? Layout::Rgb
		  : format_->numPlanes == 1 ? Layout::Packed422
		  : format_->numPlanes == 2 ? Layout::SemiPlanar
					    : Layout::Planar;
	unsigned target = GL_TEXTURE_2D;
	if (config.texture == GlSinkConfig::Texture::External) {
		if (!display_.caps().imageExternal)
			return Error{ENOTSUP, "texture = \"external\": the GL driver offers no "
					      "GL_OES_EGL_image_external"};
		target = GL_TEXTURE_EXTERNAL_OES;
		if (yuv)
			layout_ = Layout::External;
		if (yuv) {
			if (auto why = externalYuvRefusal(*format_, encoding_,
							  display_.caps().softwareRenderer))
				return Error{ENOTSUP,
					     "texture = \"external\": " + display_.caps().renderer +
						     ": " + *why};
		}
	}
	images_ = planeImages();
	if (target != target_)
		program_.reset();
	target_ = target;
	Result<void> ret = buildProgram();
	if (!ret)
		return ret;

	std::string refusal = importRefusal(buffers);
	if (refusal.empty()) {
		for (const FrameBuffer &buffer : buffers) {
			BufferKey key = BufferKey::of(buffer);
			if (imported_.count(key))
				continue;
			Result<Textures> textures = import(buffer);
			if (!textures) {
				/* A refused format or layout: upload instead, and
				 * say why (never silently). */
				refusal = textures.error().message;
				imported_.clear();
				break;
			}
			imported_.emplace(key, std::move(*textures));
		}
	}
	std::string colour;
	if (yuv)
		colour = "; " + std::string(format_->name) + " read as " +
			 config.encoding.describeFor(first.encoding) +
			 (layout_ == Layout::External ? " by the driver (colour-space hints)"
						      : " by primecam's shader");
	if (!refusal.empty()) {
		if (target_ == GL_TEXTURE_EXTERNAL_OES)
			return Error{ENOTSUP,
				     "texture = \"external\" needs dma-buf import, and " + refusal};
		ret = upload_.prepare(buffers, images_);
		if (!ret)
			return ret;
		uploading_ = true;
		pathNote_ =
			"uploading every frame from a CPU mapping (a copy per frame): " + refusal +
			colour;
	} else {
		pathNote_ =
			"dma-buf import: " + std::to_string(imageCount()) + " EGLImages for " +
			std::to_string(buffers.size()) + " buffers, as " +
			(target_ == GL_TEXTURE_2D ? "GL_TEXTURE_2D" : "GL_TEXTURE_EXTERNAL_OES") +
			colour;
	}
	setUniforms();
	return {};
}

Result<FrameRenderer::Textures> FrameRenderer::import(const FrameBuffer &buffer)
{
	const std::vector<PlaneImage> &images = images_;
	Textures textures;
	const EglCaps &caps = display_.caps();
	for (size_t i = 0; i < images.size(); ++i) {
		const PlaneImage &image = images[i];
		std::vector<EGLint> attribs = {
			EGL_WIDTH,
			static_cast<EGLint>(image.width),
			EGL_HEIGHT,
			static_cast<EGLint>(image.height),
			EGL_LINUX_DRM_FOURCC_EXT,
			static_cast<EGLint>(image.fourcc),
		};
		/* An external YUV image spans all the frame's planes; every
		 * other image is one plane. */
		const unsigned planes = layout_ == Layout::External ? buffer.numPlanes : 1;
		for (unsigned n = 0; n < planes; ++n) {
			const FramePlane &plane = buffer.planes[image.plane + n];
			const PlaneAttributes &a = kPlaneAttributes[n];
			attribs.insert(attribs.end(),
				       {a.fd, plane.fd, a.offset, static_cast<EGLint>(plane.offset),
					a.pitch, static_cast<EGLint>(plane.stride)});
			if (caps.dmaBufModifiers && plane.modifier != DRM_FORMAT_MOD_INVALID)
				attribs.insert(attribs.end(),
					       {a.modifierLo,
						static_cast<EGLint>(plane.modifier & 0xffffffff),
						a.modifierHi,
						static_cast<EGLint>(plane.modifier >> 32)});
		}
		if (layout_ == Layout::External) {
			/* No BT.2020 hint exists: configure() refused it. */
			attribs.insert(attribs.end(),
				       {EGL_YUV_COLOR_SPACE_HINT_EXT,
					encoding_.matrix == YuvMatrix::Bt709 ? EGL_ITU_REC709_EXT
									     : EGL_ITU_REC601_EXT,
					EGL_SAMPLE_RANGE_HINT_EXT,
					encoding_.range == YuvRange::Full
						? EGL_YUV_FULL_RANGE_EXT
						: EGL_YUV_NARROW_RANGE_EXT});
		}
		attribs.push_back(EGL_NONE);
		EGLImageKHR made =
			display_.createImage(display_.display(), EGL_NO_CONTEXT,
					     EGL_LINUX_DMA_BUF_EXT, nullptr, attribs.data());
		if (made == EGL_NO_IMAGE_KHR)
			return Error{ENOTSUP, "EGL refused buffer " + std::to_string(buffer.index) +
						      " plane " + std::to_string(image.plane) +
						      " as " + fourccToString(image.fourcc) + ": " +
						      eglErrorName(eglGetError())};
		++imagesCreated_;
		textures.images[i] = EglImage(&display_, made);
		textures.textures[i] = GlTexture::create();
		glBindTexture(target_, textures.textures[i].get());
		display_.imageTargetTexture(target_, made);
		glTexParameteri(target_, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
		glTexParameteri(target_, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
		glTexParameteri(target_, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
		glTexParameteri(target_, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
		if (GLenum error = glGetError(); error != GL_NO_ERROR)
			return Error{ENOTSUP, "binding the EGLImage of buffer " +
						      std::to_string(buffer.index) +
						      " to a texture: " + glErrorText(error)};
	}
	return textures;
}

Result<bool> FrameRenderer::draw(const FrameBuffer &buffer)
{
	return drawTextures(buffer, true);
}

Result<void> FrameRenderer::warmUp(const FrameBuffer &buffer)
{
	Result<bool> drawn = drawTextures(buffer, false);
	if (!drawn)
		return std::move(drawn).error();
	glFinish();
	return {};
}

Result<bool> FrameRenderer::drawTextures(const FrameBuffer &buffer, bool fresh)
{
	const std::array<GlTexture, 3> *textures = &upload_.textures();
	if (uploading_) {
		Result<void> ret = fresh ? upload_.upload(buffer) : Result<void>();
		if (!ret)
			return std::move(ret).error();
	} else {
		auto it = imported_.find(BufferKey::of(buffer));
		if (it == imported_.end())
			return Error{EINVAL, "buffer " + std::to_string(buffer.index) +
						     " was not seen at configure"};
		textures = &it->second.textures;
	}

	glUseProgram(program_.get());
	GLenum target = uploading_ ? GL_TEXTURE_2D : target_;
	for (unsigned i = 0; i < textures->size(); ++i) {
		if (!(*textures)[i])
			continue;
		glActiveTexture(GL_TEXTURE0 + i);
		glBindTexture(target, (*textures)[i].get());
	}
	glActiveTexture(GL_TEXTURE0);
	glUniform1i(locFlipY_, flipY_ ? 1 : 0);
	glBindVertexArray(vao_.get());
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
	if (GLenum error = glGetError(); error != GL_NO_ERROR)
		return Error{EIO, "drawing buffer " + std::to_string(buffer.index) + ": " +
					  glErrorText(error)};
	return uploading_ && fresh;
}

} /* namespace primecam */
