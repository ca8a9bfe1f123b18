/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/result.h"

namespace primecam {

/*
 * A property blob this client created (DRM_IOCTL_MODE_CREATEPROPBLOB): how
 * atomic commits pass a mode (MODE_ID). Move-only; destroyed on destruction.
 * The kernel keeps a blob alive while a CRTC state uses it, so destroying
 * ours after the commit is safe; it is kept for the sink's lifetime only so
 * that a later modeset can reuse it.
 */
class PropertyBlob
{
public:
	PropertyBlob() = default;
	~PropertyBlob() { reset(); }
	PropertyBlob(PropertyBlob &&other) noexcept;
	PropertyBlob &operator=(PropertyBlob &&other) noexcept;
	PropertyBlob(const PropertyBlob &) = delete;
	PropertyBlob &operator=(const PropertyBlob &) = delete;

	static Result<PropertyBlob> create(int cardFd, const void *data, size_t size,
					   const std::string &what);

	uint32_t id() const { return id_; }
	void reset() noexcept;

private:
	int cardFd_ = -1; /* not owned */
	uint32_t id_ = 0;
};

} /* namespace primecam */
