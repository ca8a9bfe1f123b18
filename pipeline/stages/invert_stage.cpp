/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/invert_stage.h"

#include <cerrno>
#include <cstring>

#include "pipeline/stages/frame_sync.h"

namespace primecam {

std::array<uint8_t, 4> InvertStage::maskFor(const PixelFormatInfo &format)
{
	std::array<uint8_t, 4> mask = {0xff, 0xff, 0xff, 0xff};
	if (format.numPlanes != 1 || format.planes[0].bytesPerBlock != 4 ||
	    format.planes[0].blockWidth != 1 || format.yuv)
		return mask;
	/*
	 * 32-bit RGB: DRM names components from the most significant end of
	 * a little-endian word, so X/A is byte 3 of XRGB/ARGB/XBGR/ABGR and
	 * byte 0 of BGRX/BGRA/RGBX/RGBA.
	 */
	std::string_view name = format.name;
	if (name[0] == 'X' || name[0] == 'A')
		mask[3] = 0;
	else if (name[3] == 'X' || name[3] == 'A')
		mask[0] = 0;
	return mask;
}

Result<void> InvertStage::configure(std::span<const FrameBuffer> input)
{
	if (input.empty())
		return Error::fromErrno(EINVAL, "invert: no buffers");
	mask_ = maskFor(*input.front().format);
	return maps_.map(input, Mapping::ReadWrite);
}

int InvertStage::process(const FrameBuffer &in, const FrameMetadata &, const FrameBuffer *,
			 StageWork &work)
{
	FrameSync sync;
	int ret = sync.begin(in, CpuAccess::Mode::ReadWrite, work, sync_);
	if (ret < 0)
		return ret;
	ImageView view = maps_.view(in);
	const PixelFormatInfo &format = *view.format;
	for (unsigned p = 0; p < format.numPlanes; ++p) {
		if (!view.planes[p].data)
			return -EINVAL;
		uint32_t lineBytes = format.minLineBytes(p, view.width);
		uint32_t rows = format.planeHeight(p, view.height);
		uint32_t mask;
		std::memcpy(&mask, mask_.data(), sizeof(mask));
		for (uint32_t y = 0; y < rows; ++y) {
			uint8_t *line = view.planes[p].data +
					static_cast<size_t>(y) * view.planes[p].stride;
			/* Whole 32-bit words, so the compiler vectorises the XOR;
			 * the mask repeats every 4 bytes, which keeps it aligned
			 * with the pixels of 32-bit formats. */
			uint32_t x = 0;
			for (; x + 4 <= lineBytes; x += 4) {
				uint32_t word;
				std::memcpy(&word, line + x, sizeof(word));
				word ^= mask;
				std::memcpy(line + x, &word, sizeof(word));
			}
			for (; x < lineBytes; ++x)
				line[x] ^= mask_[x & 3];
		}
	}
	return sync.end();
}

} /* namespace primecam */
