/* SPDX-License-Identifier: MIT */
#include "v4l2/frame_buffers.h"

#include <cerrno>

#include <libdrm/drm_fourcc.h>

namespace primecam {

Result<FrameBuffer> v4l2FrameBuffer(const FrameLayout &layout, uint32_t index,
				    const std::array<DmaBuf, VIDEO_MAX_PLANES> &planes,
				    const std::array<uint32_t, VIDEO_MAX_PLANES> &dataOffset,
				    const std::string &what)
{
	FrameBuffer fb;
	fb.index = index;
	fb.format = layout.format;
	fb.width = layout.width;
	fb.height = layout.height;
	fb.numPlanes = layout.numColourPlanes;
	fb.encoding = layout.encoding;
	for (uint32_t c = 0; c < layout.numColourPlanes; ++c) {
		const ColourPlane &cp = layout.planes[c];
		const DmaBuf &buf = planes[cp.memoryPlane];
		uint64_t offset = uint64_t{cp.offset} + dataOffset[cp.memoryPlane];
		if (offset + cp.length > buf.size())
			return Error::fromErrno(
				EINVAL, what + " buffer " + std::to_string(index) +
						" colour plane " + std::to_string(c) +
						" at offset " + std::to_string(offset) +
						" (data_offset " +
						std::to_string(dataOffset[cp.memoryPlane]) +
						") runs past the end of its " +
						std::to_string(buf.size()) + "-byte dma-buf");
		fb.planes[c].fd = buf.fd();
		fb.planes[c].id = buf.id();
		fb.planes[c].offset = static_cast<uint32_t>(offset);
		fb.planes[c].stride = cp.stride;
		/* V4L2 has no modifiers: its memory is linear. */
		fb.planes[c].modifier = DRM_FORMAT_MOD_LINEAR;
	}
	fb.numMemoryPlanes = layout.numMemoryPlanes;
	for (uint32_t p = 0; p < layout.numMemoryPlanes; ++p)
		fb.memory[p] = &planes[p];
	return fb;
}

} /* namespace primecam */
