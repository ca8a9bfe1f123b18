/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

#include "base/dma_buf.h"
#include "base/mapping.h"
#include "base/result.h"

namespace primecam {

class Card;

/*
 * A dumb buffer: linear memory allocated by a KMS driver itself. primecam
 * uses them where a buffer must be on the display card: as V4L2 DMABUF
 * capture targets (the display, and Mesa's kms_swrast, import their own
 * card's buffers best) and as writeback targets. The card chooses the
 * pitch; callers must use pitch(), never width * bpp.
 */
class DumbBuffer
{
public:
	DumbBuffer() = default;
	~DumbBuffer() { reset(); }
	DumbBuffer(DumbBuffer &&other) noexcept;
	DumbBuffer &operator=(DumbBuffer &&other) noexcept;
	DumbBuffer(const DumbBuffer &) = delete;
	DumbBuffer &operator=(const DumbBuffer &) = delete;

	/* DRM_IOCTL_MODE_CREATE_DUMB: width x height pixels of bpp bits. */
	static Result<DumbBuffer> create(const Card &card, uint32_t width, uint32_t height,
					 uint32_t bpp);

	uint32_t handle() const { return handle_; }
	uint32_t pitch() const { return pitch_; }
	uint64_t size() const { return size_; }
	uint32_t width() const { return width_; }
	uint32_t height() const { return height_; }

	/* The buffer as a dma-buf (PRIME export), to hand to other devices. */
	Result<DmaBuf> exportDmaBuf() const;

	/*
	 * A CPU mapping of the whole buffer through the card (MAP_DUMB gives
	 * the fake offset to mmap the card fd at). For the card's own use of
	 * its buffers (a black background, reading writeback output); other
	 * devices' views go through exportDmaBuf() and CpuAccess.
	 */
	Result<Mapping> map(Mapping::Access access) const;

	/* DRM_IOCTL_MODE_DESTROY_DUMB: drops this handle's reference. */
	void reset() noexcept;

private:
	int cardFd_ = -1; /* not owned: the Card outlives its buffers */
	uint32_t handle_ = 0;
	uint32_t pitch_ = 0;
	uint64_t size_ = 0;
	uint32_t width_ = 0;
	uint32_t height_ = 0;
};

} /* namespace primecam */
