/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

namespace primecam {

/*
 * One texture of a buffer: which colour plane, read as what. The same list
 * describes an import (one EGLImage per entry, of fourcc) and an upload (one
 * glTexSubImage2D per entry, of glFormat), so that both paths feed the
 * shader the same textures.
 */
struct PlaneImage {
	uint32_t fourcc; /* for import */
	unsigned plane;	 /* the frame's colour plane */
	uint32_t width, height;
	unsigned glInternal, glFormat, bytesPerTexel; /* for upload */
};

} /* namespace primecam */
