/* SPDX-License-Identifier: MIT */
#include "egl/import_probe.h"

#include <cerrno>

#include <xf86drm.h>

#include "drm/card.h"

namespace primecam {

Result<bool> cardMapsAsDumb(const std::string &cardPath, int dmabufFd)
{
	Result<Card> card = Card::open(cardPath, Card::Role::Buffers);
	if (!card)
		return std::move(card).error();
	uint32_t handle = 0;
	if (drmPrimeFDToHandle(card->fd(), dmabufFd, &handle) != 0)
		return Error::fromErrno(errno, card->describe() + ": importing a dma-buf (PRIME)");
	drm_mode_map_dumb map = {};
	map.handle = handle;
	bool mappable = drmIoctl(card->fd(), DRM_IOCTL_MODE_MAP_DUMB, &map) == 0;
	drm_gem_close close = {};
	close.handle = handle;
	drmIoctl(card->fd(), DRM_IOCTL_GEM_CLOSE, &close);
	return mappable;
}

} /* namespace primecam */
