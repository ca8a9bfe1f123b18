/* SPDX-License-Identifier: MIT */
#include "egl/frame_renderer.h"

#include <cerrno>
#include <cmath>
#include <vector>

#include <GLES2/gl2ext.h>
#include <drm_fourcc.h>

#include "base/cpu_access.h"
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
 * layout 0: RGB. 1: YUYV as one RGBA texel per pixel pair. 2: NV12 (R8 Y,
 * RG CbCr). `swap`: the texture holds the bytes in memory order (an upload)
 * rather than the DRM format's component order (an import): XRGB8888's
 * bytes are B, G, R, X, and YUYV's Y0 Cb Y1 Cr read as ARGB8888 is
 * B = Y0, G = Cb, R = Y1, A = Cr.
 */
const char *kFragmentShader2d = R"(#version 300 es
precision highp float;
precision highp int;
uniform highp sampler2D tex0;
uniform highp sampler2D tex1;
uniform int frameLayout;
uniform bool swap;
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
	if (frameLayout == 1) {
		vec4 t = texelFetch(tex0, ivec2(p.x / 2, p.y), 0);
		float y0 = swap ? t.r : t.b;
		float y1 = swap ? t.b : t.r;
		yuv = vec3((p.x & 1) == 0 ? y0 : y1, t.g, t.a);
	} else {
		yuv = vec3(texelFetch(tex0, p, 0).r, texelFetch(tex1, p / 2, 0).rg);
	}
	color = vec4(clamp(yuvMatrix * (yuv - yuvOffset), 0.0, 1.0), 1.0);
}
)";

/* External images can only be sampled with texture() (no texelFetch in
 * GL_OES_EGL_image_external_essl3), so only RGB, with NEAREST filtering. */
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
 * the standard's Kr and Kb (BT.601: 0.299, 0.114; BT.709: 0.2126, 0.0722).
 * Limited range scales Y by 255/219 and C by 255/224 around 16 and 128.
 */
void yuvCoefficients(YuvEncoding encoding, float matrix[9], float offset[3])
{
	double kr = encoding.matrix == YuvMatrix::Bt601 ? 0.299 : 0.2126;
	double kb = encoding.matrix == YuvMatrix::Bt601 ? 0.114 : 0.0722;
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

std::string glErrorText(GLenum error)
{
	char text[32];
	snprintf(text, sizeof(text), "GL error 0x%04x", error);
	return text;
}

} /* namespace */

bool FrameRenderer::canDraw(const PixelFormatInfo &format)
{
	return glCanDraw(format);
}

FrameRenderer::BufferKey FrameRenderer::keyOf(const FrameBuffer &buffer)
{
	BufferKey key;
	for (uint32_t p = 0; p < buffer.numPlanes && p < key.ids.size(); ++p) {
		key.ids[p] = buffer.planes[p].id;
		key.offsets[p] = buffer.planes[p].offset;
	}
	return key;
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
	uploaded_ = {};
	maps_.clear();
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
	locLayout_ = glGetUniformLocation(program_.get(), "frameLayout");
	locSwap_ = glGetUniformLocation(program_.get(), "swap");
	locFlipY_ = glGetUniformLocation(program_.get(), "flipY");
	return {};
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
					      "; it takes XRGB8888, ARGB8888, XBGR8888, ABGR8888, "
					      "YUYV and NV12"};
	config_ = config;
	width_ = first.width;
	height_ = first.height;
	layout_ = first.format->drm == DRM_FORMAT_YUYV	 ? Layout::Yuyv
		  : first.format->drm == DRM_FORMAT_NV12 ? Layout::Nv12
							 : Layout::Rgb;
	unsigned target = GL_TEXTURE_2D;
	if (config.texture == GlSinkConfig::Texture::External) {
		if (layout_ != Layout::Rgb)
			return Error{ENOTSUP, "texture = \"external\" takes RGB formats only: " +
						      std::string(first.format->name) +
						      " is converted by primecam's shader, which "
						      "samples texel by texel (texture = \"2d\")"};
		if (!display_.caps().imageExternal)
			return Error{ENOTSUP, "texture = \"external\": the GL driver offers no "
					      "GL_OES_EGL_image_external"};
		target = GL_TEXTURE_EXTERNAL_OES;
	}
	if (target != target_)
		program_.reset();
	target_ = target;
	Result<void> ret = buildProgram();
	if (!ret)
		return ret;

	std::string refusal = importRefusal(buffers);
	if (refusal.empty()) {
		for (const FrameBuffer &buffer : buffers) {
			BufferKey key = keyOf(buffer);
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
	if (!refusal.empty()) {
		if (target_ == GL_TEXTURE_EXTERNAL_OES)
			return Error{ENOTSUP,
				     "texture = \"external\" needs dma-buf import, and " + refusal};
		ret = prepareUpload(buffers);
		if (!ret)
			return ret;
		uploading_ = true;
		pathNote_ =
			"uploading every frame from a CPU mapping (a copy per frame): " + refusal;
	} else {
		pathNote_ =
			"dma-buf import: " + std::to_string(imageCount()) + " EGLImages for " +
			std::to_string(buffers.size()) + " buffers, as " +
			(target_ == GL_TEXTURE_2D ? "GL_TEXTURE_2D" : "GL_TEXTURE_EXTERNAL_OES");
	}
	return {};
}

Result<FrameRenderer::Textures> FrameRenderer::import(const FrameBuffer &buffer)
{
	struct PlaneImage {
		uint32_t fourcc, plane, width, height;
	};
	std::vector<PlaneImage> images;
	switch (layout_) {
	case Layout::Rgb:
		images.push_back({buffer.format->drm, 0, buffer.width, buffer.height});
		break;
	case Layout::Yuyv:
		images.push_back({DRM_FORMAT_ARGB8888, 0, (buffer.width + 1) / 2, buffer.height});
		break;
	case Layout::Nv12:
		images.push_back({DRM_FORMAT_R8, 0, buffer.width, buffer.height});
		images.push_back(
			{DRM_FORMAT_GR88, 1, (buffer.width + 1) / 2, (buffer.height + 1) / 2});
		break;
	}

	Textures textures;
	const EglCaps &caps = display_.caps();
	for (size_t i = 0; i < images.size(); ++i) {
		const PlaneImage &image = images[i];
		const FramePlane &plane = buffer.planes[image.plane];
		std::vector<EGLint> attribs = {
			EGL_WIDTH,
			static_cast<EGLint>(image.width),
			EGL_HEIGHT,
			static_cast<EGLint>(image.height),
			EGL_LINUX_DRM_FOURCC_EXT,
			static_cast<EGLint>(image.fourcc),
			EGL_DMA_BUF_PLANE0_FD_EXT,
			plane.fd,
			EGL_DMA_BUF_PLANE0_OFFSET_EXT,
			static_cast<EGLint>(plane.offset),
			EGL_DMA_BUF_PLANE0_PITCH_EXT,
			static_cast<EGLint>(plane.stride),
		};
		if (caps.dmaBufModifiers && plane.modifier != DRM_FORMAT_MOD_INVALID) {
			attribs.insert(attribs.end(),
				       {EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT,
					static_cast<EGLint>(plane.modifier & 0xffffffff),
					EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT,
					static_cast<EGLint>(plane.modifier >> 32)});
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

Result<void> FrameRenderer::prepareUpload(std::span<const FrameBuffer> buffers)
{
	/* Mapped once here, not per frame. */
	Result<void> mapped = maps_.map(buffers, Mapping::Read);
	if (!mapped)
		return mapped;
	struct Plane {
		GLenum internal;
		uint32_t width, height;
	};
	std::vector<Plane> planes;
	switch (layout_) {
	case Layout::Rgb:
		planes.push_back({GL_RGBA8, width_, height_});
		break;
	case Layout::Yuyv:
		planes.push_back({GL_RGBA8, (width_ + 1) / 2, height_});
		break;
	case Layout::Nv12:
		planes.push_back({GL_R8, width_, height_});
		planes.push_back({GL_RG8, (width_ + 1) / 2, (height_ + 1) / 2});
		break;
	}
	for (size_t i = 0; i < planes.size(); ++i) {
		uploaded_.textures[i] = GlTexture::create();
		glBindTexture(GL_TEXTURE_2D, uploaded_.textures[i].get());
		glTexStorage2D(GL_TEXTURE_2D, 1, planes[i].internal,
			       static_cast<GLsizei>(planes[i].width),
			       static_cast<GLsizei>(planes[i].height));
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	}
	if (GLenum error = glGetError(); error != GL_NO_ERROR)
		return Error{ENOMEM, "allocating upload textures: " + glErrorText(error)};
	return {};
}

Result<void> FrameRenderer::upload(const FrameBuffer &buffer)
{
	ImageView view = maps_.view(buffer);
	/* Every dma-buf behind the frame, bracketed for the CPU read. */
	std::array<CpuAccess, 3> access;
	for (uint32_t m = 0; m < buffer.numMemoryPlanes; ++m) {
		Result<CpuAccess> begun =
			CpuAccess::begin(buffer.memory[m]->fd(), CpuAccess::Mode::Read, sync_);
		if (!begun)
			return std::move(begun).error();
		access[m] = std::move(*begun);
	}
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	auto put = [&](unsigned i, unsigned plane, GLenum format, uint32_t bpp, uint32_t w,
		       uint32_t h) -> Result<void> {
		const PlaneView &pv = view.planes[plane];
		if (!pv.data)
			return Error{EINVAL, "buffer " + std::to_string(buffer.index) + " plane " +
						     std::to_string(plane) + " not mapped"};
		glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(pv.stride / bpp));
		glBindTexture(GL_TEXTURE_2D, uploaded_.textures[i].get());
		glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, static_cast<GLsizei>(w),
				static_cast<GLsizei>(h), format, GL_UNSIGNED_BYTE, pv.data);
		return {};
	};
	Result<void> ret;
	switch (layout_) {
	case Layout::Rgb:
		ret = put(0, 0, GL_RGBA, 4, width_, height_);
		break;
	case Layout::Yuyv:
		ret = put(0, 0, GL_RGBA, 4, (width_ + 1) / 2, height_);
		break;
	case Layout::Nv12:
		ret = put(0, 0, GL_RED, 1, width_, height_);
		if (ret)
			ret = put(1, 1, GL_RG, 2, (width_ + 1) / 2, (height_ + 1) / 2);
		break;
	}
	glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
	/* glTexSubImage2D has copied the pixels when it returns: the CPU
	 * access ends here, and the buffer is free for the camera again. */
	for (CpuAccess &a : access) {
		int end = a.end();
		if (ret && end < 0)
			ret = Error::fromErrno(-end, "DMA_BUF_IOCTL_SYNC END");
	}
	return ret;
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
	const Textures *textures = &uploaded_;
	if (uploading_) {
		Result<void> ret = fresh ? upload(buffer) : Result<void>();
		if (!ret)
			return std::move(ret).error();
	} else {
		auto it = imported_.find(keyOf(buffer));
		if (it == imported_.end())
			return Error{EINVAL, "buffer " + std::to_string(buffer.index) +
						     " was not seen at configure"};
		textures = &it->second;
	}

	glUseProgram(program_.get());
	GLuint tex = target_ == GL_TEXTURE_2D ? GL_TEXTURE_2D : GL_TEXTURE_EXTERNAL_OES;
	for (unsigned i = 0; i < 2; ++i) {
		if (!textures->textures[i])
			continue;
		glActiveTexture(GL_TEXTURE0 + i);
		glBindTexture(uploading_ ? GL_TEXTURE_2D : tex, textures->textures[i].get());
	}
	glActiveTexture(GL_TEXTURE0);
	glUniform1i(glGetUniformLocation(program_.get(), "tex0"), 0);
	glUniform1i(glGetUniformLocation(program_.get(), "tex1"), 1);
	glUniform1i(locLayout_, static_cast<GLint>(layout_));
	/* An upload holds the bytes in memory order, an import the DRM
	 * format's components (see the fragment shader). XBGR8888's bytes are
	 * R, G, B, X already, so only XRGB/ARGB swap. */
	bool bytesAreBgr = buffer.format->drm == DRM_FORMAT_XRGB8888 ||
			   buffer.format->drm == DRM_FORMAT_ARGB8888;
	bool swap = uploading_ && (layout_ == Layout::Yuyv || bytesAreBgr);
	glUniform1i(locSwap_, swap ? 1 : 0);
	glUniform1i(locFlipY_, flipY_ ? 1 : 0);
	float matrix[9], offset[3];
	yuvCoefficients(config_.encoding, matrix, offset);
	glUniformMatrix3fv(glGetUniformLocation(program_.get(), "yuvMatrix"), 1, GL_FALSE, matrix);
	glUniform3fv(glGetUniformLocation(program_.get(), "yuvOffset"), 1, offset);
	glUniform2f(glGetUniformLocation(program_.get(), "size"), static_cast<float>(width_),
		    static_cast<float>(height_));
	glBindVertexArray(vao_.get());
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
	if (GLenum error = glGetError(); error != GL_NO_ERROR)
		return Error{EIO, "drawing buffer " + std::to_string(buffer.index) + ": " +
					  glErrorText(error)};
	return uploading_ && fresh;
}

} /* namespace primecam */
