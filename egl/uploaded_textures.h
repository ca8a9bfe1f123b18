/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <span>
#include <vector>

#include "base/cpu_access.h"
#include "base/result.h"
#include "egl/gl_objects.h"
#include "egl/plane_image.h"
#include "pipeline/frame.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * The upload path of FrameRenderer, for buffers GL cannot import: the
 * GL_TEXTURE_2D textures every frame is copied into, and the CPU mappings it
 * is copied from. Both are made once at prepare(); upload() per frame only
 * brackets the read with DMA_BUF_IOCTL_SYNC (the producer may have written
 * through a non-coherent cache) and calls glTexSubImage2D.
 */
class UploadedTextures
{
public:
	/* Maps every buffer for reading and allocates one texture per image. */
	Result<void> prepare(std::span<const FrameBuffer> buffers,
			     std::span<const PlaneImage> images);
	/* Copies buffer's planes into the textures. */
	Result<void> upload(const FrameBuffer &buffer);
	/* Drops the textures, then the mappings. */
	void clear();

	/* In the shader's order (tex0, tex1, tex2); unused ones are empty. */
	const std::array<GlTexture, 3> &textures() const { return textures_; }

	/* Tests: memfd buffers have no DMA_BUF_IOCTL_SYNC; count it instead. */
	void setSyncFunction(CpuAccess::SyncFn sync) { sync_ = sync; }

private:
	std::vector<PlaneImage> images_;
	std::array<GlTexture, 3> textures_;
	MappedBuffers maps_;
	CpuAccess::SyncFn sync_ = &CpuAccess::syncIoctl;
};

} /* namespace primecam */
