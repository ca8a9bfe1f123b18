/* SPDX-License-Identifier: MIT */
#include "egl/output_targets.h"

#include <cerrno>

#include <drm_fourcc.h>

namespace primecam {

Result<void> OutputTargets::make(EglDisplay &display, const BufferPool &pool,
				 const std::string &who)
{
	targets_.clear();
	targets_.resize(pool.buffers().size());
	for (const FrameBuffer &buffer : pool.buffers()) {
		const FramePlane &plane = buffer.planes[0];
		std::vector<EGLint> attribs = {
			EGL_WIDTH,
			static_cast<EGLint>(buffer.width),
			EGL_HEIGHT,
			static_cast<EGLint>(buffer.height),
			EGL_LINUX_DRM_FOURCC_EXT,
			static_cast<EGLint>(DRM_FORMAT_XRGB8888),
			EGL_DMA_BUF_PLANE0_FD_EXT,
			plane.fd,
			EGL_DMA_BUF_PLANE0_OFFSET_EXT,
			static_cast<EGLint>(plane.offset),
			EGL_DMA_BUF_PLANE0_PITCH_EXT,
			static_cast<EGLint>(plane.stride),
		};
		if (display.caps().dmaBufModifiers)
			attribs.insert(attribs.end(),
				       {EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT,
					static_cast<EGLint>(plane.modifier & 0xffffffff),
					EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT,
					static_cast<EGLint>(plane.modifier >> 32)});
		attribs.push_back(EGL_NONE);
		EGLImageKHR made =
			display.createImage(display.display(), EGL_NO_CONTEXT,
					    EGL_LINUX_DMA_BUF_EXT, nullptr, attribs.data());
		if (made == EGL_NO_IMAGE_KHR)
			return Error{ENOTSUP, who + ": EGL refused output buffer " +
						      std::to_string(buffer.index) + " (" +
						      pool.describe() +
						      "): " + eglErrorName(eglGetError())};
		Target &target = targets_.at(buffer.index);
		target.image = EglImage(&display, made);
		target.texture = GlTexture::create();
		glBindTexture(GL_TEXTURE_2D, target.texture.get());
		display.imageTargetTexture(GL_TEXTURE_2D, made);
		target.fbo = GlFramebuffer::create();
		glBindFramebuffer(GL_FRAMEBUFFER, target.fbo.get());
		glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D,
				       target.texture.get(), 0);
		GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
		if (status != GL_FRAMEBUFFER_COMPLETE)
			return Error{EIO, who + ": output buffer " + std::to_string(buffer.index) +
						  " cannot be rendered to (framebuffer status 0x" +
						  std::to_string(status) + ")"};
	}
	return {};
}

} /* namespace primecam */
