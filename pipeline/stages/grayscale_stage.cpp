/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/grayscale_stage.h"

#include <cerrno>

#include <libyuv/planar_functions.h>

#include "pipeline/stages/frame_sync.h"

namespace primecam {

namespace {

bool isArgbOrder(const PixelFormatInfo &format)
{
	/* libyuv "ARGB" is bytes B,G,R,A: DRM XRGB8888/ARGB8888. */
	return format.name == "XRGB8888" || format.name == "ARGB8888";
}

/* Offset of the first chroma byte in a packed 4:2:2 macropixel. */
uint32_t packedChromaOffset(const PixelFormatInfo &format)
{
	/* YUYV/YVYU: Y C Y C; UYVY/VYUY: C Y C Y */
	return format.name[0] == 'Y' ? 1 : 0;
}

} /* namespace */

bool GrayscaleStage::supports(const PixelFormatInfo &format)
{
	return format.yuv || isArgbOrder(format);
}

Result<void> GrayscaleStage::configure(std::span<const FrameBuffer> input)
{
	if (input.empty())
		return Error::fromErrno(EINVAL, "grayscale: no buffers");
	const PixelFormatInfo &format = *input.front().format;
	if (!supports(format))
		return Error::fromErrno(ENOTSUP, "grayscale: " + std::string(format.name) +
							 " is not supported (it takes YUV formats, "
							 "XRGB8888 and ARGB8888)");
	return maps_.map(input, Mapping::ReadWrite);
}

int GrayscaleStage::process(const FrameBuffer &in, const FrameMetadata &, const FrameBuffer *,
			    StageWork &work)
{
	FrameSync sync;
	int ret = sync.begin(in, CpuAccess::Mode::ReadWrite, work, sync_);
	if (ret < 0)
		return ret;
	ImageView view = maps_.view(in);
	const PixelFormatInfo &format = *view.format;
	for (unsigned p = 0; p < format.numPlanes; ++p)
		if (!view.planes[p].data)
			return -EINVAL;
	int width = static_cast<int>(view.width);
	int height = static_cast<int>(view.height);

	if (!format.yuv) {
		libyuv::ARGBGray(view.planes[0].data, static_cast<int>(view.planes[0].stride), 0, 0,
				 width, height);
	} else if (format.numPlanes == 1) {
		/* Packed 4:2:2: every other byte is chroma. */
		uint32_t lineBytes = format.minLineBytes(0, view.width);
		for (uint32_t y = 0; y < view.height; ++y) {
			uint8_t *line = view.planes[0].data +
					static_cast<size_t>(y) * view.planes[0].stride;
			for (uint32_t x = packedChromaOffset(format); x < lineBytes; x += 2)
				line[x] = 128;
		}
	} else {
		for (unsigned p = 1; p < format.numPlanes; ++p)
			libyuv::SetPlane(view.planes[p].data,
					 static_cast<int>(view.planes[p].stride),
					 static_cast<int>(format.minLineBytes(p, view.width)),
					 static_cast<int>(format.planeHeight(p, view.height)), 128);
	}
	return sync.end();
}

} /* namespace primecam */
