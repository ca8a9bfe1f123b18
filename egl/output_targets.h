/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "egl/egl_display.h"
#include "egl/gl_objects.h"
#include "pipeline/buffer_pool.h"

namespace primecam {

/*
 * The XRGB8888 output buffers of a gl-kms display as GL render targets: each
 * imported once (at configure) as an EGLImage, bound to a texture and an
 * FBO, so that drawing into a buffer is binding its FBO. By buffer index.
 */
class OutputTargets
{
public:
	/* Imports every buffer of pool; who: the sink, for messages. Needs
	 * display's context current. */
	Result<void> make(EglDisplay &display, const BufferPool &pool, const std::string &who);
	/* With the context current: textures before their images. */
	void clear() { targets_.clear(); }
	GLuint fbo(uint32_t index) const { return targets_.at(index).fbo.get(); }
	bool empty() const { return targets_.empty(); }

private:
	struct Target {
		EglImage image;
		GlTexture texture;
		GlFramebuffer fbo;
	};
	std::vector<Target> targets_;
};

} /* namespace primecam */
