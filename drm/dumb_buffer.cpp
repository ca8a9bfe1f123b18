/* SPDX-License-Identifier: MIT */
#include "drm/dumb_buffer.h"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <xf86drm.h>

#include "drm/card.h"

namespace primecam {

DumbBuffer::DumbBuffer(DumbBuffer &&other) noexcept
	: cardFd_(std::exchange(other.cardFd_, -1)), handle_(std::exchange(other.handle_, 0)),
	  pitch_(other.pitch_), size_(other.size_), width_(other.width_), height_(other.height_)
{}

DumbBuffer &DumbBuffer::operator=(DumbBuffer &&other) noexcept
{
	if (this != &other) {
		reset();
		cardFd_ = std::exchange(other.cardFd_, -1);
		handle_ = std::exchange(other.handle_, 0);
		pitch_ = other.pitch_;
		size_ = other.size_;
		width_ = other.width_;
		height_ = other.height_;
	}
	return *this;
}

Result<DumbBuffer> DumbBuffer::create(const Card &card, uint32_t width, uint32_t height,
				      uint32_t bpp)
{
	struct drm_mode_create_dumb create = {};
	create.width = width;
	create.height = height;
	create.bpp = bpp;
	if (drmIoctl(card.fd(), DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		return Error::fromErrno(errno, "creating a " + std::to_string(width) + "x" +
						       std::to_string(height) + "x" +
						       std::to_string(bpp) + " dumb buffer on " +
						       card.path() + " (" + card.driver() + ")");
	DumbBuffer buf;
	buf.cardFd_ = card.fd();
	buf.handle_ = create.handle;
	buf.pitch_ = create.pitch;
	buf.size_ = create.size;
	buf.width_ = width;
	buf.height_ = height;
	return buf;
}

Result<DmaBuf> DumbBuffer::exportDmaBuf() const
{
	int fd = -1;
	if (drmPrimeHandleToFD(cardFd_, handle_, DRM_CLOEXEC | DRM_RDWR, &fd) < 0)
		return Error::fromErrno(errno, "PRIME export of dumb buffer handle " +
						       std::to_string(handle_));
	return DmaBuf::adopt(UniqueFd(fd));
}

Result<Mapping> DumbBuffer::map(Mapping::Access access) const
{
	struct drm_mode_map_dumb req = {};
	req.handle = handle_;
	if (drmIoctl(cardFd_, DRM_IOCTL_MODE_MAP_DUMB, &req) < 0)
		return Error::fromErrno(errno, "MAP_DUMB of dumb buffer handle " +
						       std::to_string(handle_));
	return Mapping::map(cardFd_, size_, access, static_cast<off_t>(req.offset),
			    "dumb buffer handle " + std::to_string(handle_));
}

void DumbBuffer::reset() noexcept
{
	if (handle_) {
		struct drm_mode_destroy_dumb destroy = {};
		destroy.handle = handle_;
		drmIoctl(cardFd_, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	handle_ = 0;
	cardFd_ = -1;
}

} /* namespace primecam */
