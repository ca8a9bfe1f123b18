/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/luma_stage.h"

#include <cerrno>

#include "pipeline/stages/frame_sync.h"

namespace primecam {

namespace {

/* Where one pixel's samples sit in a packed format, and its step. */
struct SampleLayout {
	uint32_t step = 0; /* bytes from one luma sample to the next */
	uint32_t y = 0;	   /* offset of the luma byte (YUV, grey) */
	bool rgb = false;
	uint32_t r = 0, g = 0, b = 0; /* offsets of the colour bytes (RGB) */
};

bool layoutOf(const PixelFormatInfo &format, SampleLayout &layout)
{
	if (format.bayer)
		return false;
	if (format.yuv) {
		if (format.numPlanes > 1) { /* planar and semi-planar: plane 0 is Y */
			layout.step = 1;
			return true;
		}
		/* packed 4:2:2: YUYV/YVYU have Y at even bytes, UYVY/VYUY at odd */
		layout.step = 2;
		layout.y = format.name[0] == 'Y' ? 0 : 1;
		return true;
	}
	const PlaneInfo &plane = format.planes[0];
	if (format.numPlanes != 1 || plane.blockWidth != 1)
		return false;
	if (plane.bytesPerBlock == 1) { /* R8: grey */
		layout.step = 1;
		return true;
	}
	if (plane.bytesPerBlock != 3 && plane.bytesPerBlock != 4)
		return false;
	/*
	 * DRM names components from the most significant byte of a
	 * little-endian word, so the byte offset of the i-th letter of an
	 * n-byte format is n - 1 - i (XRGB8888: B at 0, G at 1, R at 2).
	 */
	std::string_view name = format.name;
	uint32_t n = plane.bytesPerBlock;
	unsigned letters = n; /* "RGB888" has 3 component letters, "XRGB8888" 4 */
	layout.step = n;
	layout.rgb = true;
	for (unsigned i = 0; i < letters; ++i) {
		uint32_t offset = n - 1 - i;
		switch (name[i]) {
		case 'R':
			layout.r = offset;
			break;
		case 'G':
			layout.g = offset;
			break;
		case 'B':
			layout.b = offset;
			break;
		default:
			break;
		}
	}
	return true;
}

} /* namespace */

bool LumaStage::supports(const PixelFormatInfo &format)
{
	SampleLayout layout;
	return layoutOf(format, layout);
}

void LumaStage::measure(const ImageView &view, StageWork &work)
{
	SampleLayout layout;
	layoutOf(*view.format, layout);
	std::array<uint64_t, 256> counts = {};
	for (uint32_t y = 0; y < view.height; ++y) {
		const uint8_t *line =
			view.planes[0].data + static_cast<size_t>(y) * view.planes[0].stride;
		if (layout.rgb) {
			for (uint32_t x = 0; x < view.width; ++x) {
				const uint8_t *px = line + static_cast<size_t>(x) * layout.step;
				/* BT.601 full range, 8-bit fixed point */
				unsigned luma = (77u * px[layout.r] + 150u * px[layout.g] +
						 29u * px[layout.b] + 128u) >>
						8;
				++counts[luma];
			}
		} else {
			for (uint32_t x = 0; x < view.width; ++x)
				++counts[line[x * layout.step + layout.y]];
		}
	}

	uint64_t sum = 0;
	work.histogram = {};
	for (unsigned v = 0; v < counts.size(); ++v) {
		sum += counts[v] * v;
		work.histogram[v * LumaSummary::kBins / 256] += counts[v];
	}
	uint64_t pixels = static_cast<uint64_t>(view.width) * view.height;
	work.meanLuma = pixels ? static_cast<double>(sum) / static_cast<double>(pixels) : 0;
	work.hasLuma = true;
}

Result<void> LumaStage::configure(std::span<const FrameBuffer> input)
{
	if (input.empty())
		return Error::fromErrno(EINVAL, "luma: no buffers");
	const PixelFormatInfo &format = *input.front().format;
	if (!supports(format))
		return Error::fromErrno(ENOTSUP, "luma: " + std::string(format.name) +
							 " is not supported (it takes YUV, grey "
							 "and 24/32-bit RGB formats)");
	return maps_.map(input, Mapping::Read);
}

int LumaStage::process(const FrameBuffer &in, const FrameMetadata &, const FrameBuffer *,
		       StageWork &work)
{
	FrameSync sync;
	int ret = sync.begin(in, CpuAccess::Mode::Read, work, sync_);
	if (ret < 0)
		return ret;
	ImageView view = maps_.view(in);
	if (!view.planes[0].data)
		return -EINVAL;
	measure(view, work);
	return sync.end();
}

} /* namespace primecam */
