/* SPDX-License-Identifier: MIT */
#include "egl/uploaded_textures.h"

#include <cerrno>
#include <string>

#include "egl/egl_display.h"

namespace primecam {

void UploadedTextures::clear()
{
	for (GlTexture &texture : textures_)
		texture.reset();
	maps_.clear();
	images_.clear();
}

Result<void> UploadedTextures::prepare(std::span<const FrameBuffer> buffers,
				       std::span<const PlaneImage> images)
{
	/* Mapped once here, not per frame. */
	Result<void> mapped = maps_.map(buffers, Mapping::Read);
	if (!mapped)
		return mapped;
	images_.assign(images.begin(), images.end());
	for (size_t i = 0; i < images_.size(); ++i) {
		textures_[i] = GlTexture::create();
		glBindTexture(GL_TEXTURE_2D, textures_[i].get());
		glTexStorage2D(GL_TEXTURE_2D, 1, images_[i].glInternal,
			       static_cast<GLsizei>(images_[i].width),
			       static_cast<GLsizei>(images_[i].height));
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	}
	if (GLenum error = glGetError(); error != GL_NO_ERROR)
		return Error{ENOMEM, "allocating upload textures: " + glErrorText(error)};
	return {};
}

Result<void> UploadedTextures::upload(const FrameBuffer &buffer)
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
	Result<void> ret;
	/* Per frame: no allocation, the images were listed at prepare(). */
	for (size_t i = 0; i < images_.size() && ret; ++i) {
		const PlaneImage &image = images_[i];
		const PlaneView &pv = view.planes[image.plane];
		if (!pv.data) {
			ret = Error{EINVAL, "buffer " + std::to_string(buffer.index) + " plane " +
						    std::to_string(image.plane) + " not mapped"};
			break;
		}
		/* The kernel's stride, in texels: GL skips the padding. */
		glPixelStorei(GL_UNPACK_ROW_LENGTH,
			      static_cast<GLint>(pv.stride / image.bytesPerTexel));
		glBindTexture(GL_TEXTURE_2D, textures_[i].get());
		glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, static_cast<GLsizei>(image.width),
				static_cast<GLsizei>(image.height), image.glFormat,
				GL_UNSIGNED_BYTE, pv.data);
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

} /* namespace primecam */
