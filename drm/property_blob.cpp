/* SPDX-License-Identifier: MIT */
#include "drm/property_blob.h"

#include <cerrno>
#include <utility>

#include <xf86drmMode.h>

namespace primecam {

PropertyBlob::PropertyBlob(PropertyBlob &&other) noexcept
	: cardFd_(std::exchange(other.cardFd_, -1)), id_(std::exchange(other.id_, 0))
{}

PropertyBlob &PropertyBlob::operator=(PropertyBlob &&other) noexcept
{
	if (this != &other) {
		reset();
		cardFd_ = std::exchange(other.cardFd_, -1);
		id_ = std::exchange(other.id_, 0);
	}
	return *this;
}

Result<PropertyBlob> PropertyBlob::create(int cardFd, const void *data, size_t size,
					  const std::string &what)
{
	PropertyBlob blob;
	/* libdrm returns -errno here, not -1 with errno */
	int ret = drmModeCreatePropertyBlob(cardFd, data, size, &blob.id_);
	if (ret < 0)
		return Error::fromErrno(-ret, "creating the property blob of " + what);
	blob.cardFd_ = cardFd;
	return blob;
}

void PropertyBlob::reset() noexcept
{
	if (id_)
		drmModeDestroyPropertyBlob(cardFd_, id_);
	id_ = 0;
	cardFd_ = -1;
}

} /* namespace primecam */
