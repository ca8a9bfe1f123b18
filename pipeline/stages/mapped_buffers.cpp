/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/mapped_buffers.h"

#include <cerrno>

namespace primecam {

Result<void> MappedBuffers::map(std::span<const FrameBuffer> buffers, Mapping::Access access)
{
	for (const FrameBuffer &fb : buffers) {
		for (uint32_t m = 0; m < fb.numMemoryPlanes; ++m) {
			const DmaBuf *mem = fb.memory[m];
			if (!mem)
				return Error::fromErrno(EINVAL, "buffer " +
									std::to_string(fb.index) +
									": no memory to map");
			if (maps_.count(mem->id()))
				continue;
			Result<Mapping> mapping =
				Mapping::map(mem->fd(), mem->size(), access, 0,
					     "buffer " + std::to_string(fb.index));
			if (!mapping)
				return std::move(mapping).error();
			maps_.emplace(mem->id(), std::move(*mapping));
		}
	}
	return {};
}

ImageView MappedBuffers::view(const FrameBuffer &buffer) const
{
	ImageView view;
	view.format = buffer.format;
	view.width = buffer.width;
	view.height = buffer.height;
	for (uint32_t p = 0; p < buffer.numPlanes; ++p) {
		const FramePlane &plane = buffer.planes[p];
		auto it = maps_.find(plane.id);
		if (it == maps_.end() || plane.offset >= it->second.size())
			continue;
		view.planes[p] = {it->second.data().data() + plane.offset, plane.stride};
	}
	return view;
}

} /* namespace primecam */
