/* SPDX-License-Identifier: MIT */
#include "pipeline/stages/overlay_stage.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <cstdio>

#include "pipeline/stages/frame_sync.h"
#include "pipeline/stages/invert_stage.h"

namespace primecam {

namespace {

constexpr unsigned kGlyphWidth = 5;
constexpr unsigned kGlyphHeight = 7;
constexpr unsigned kAdvance = kGlyphWidth + 1;
constexpr unsigned kMargin = 2; /* box border around the text, in font pixels */

/* A 5x7 bitmap per character, one byte per row, bit 4 = leftmost column. */
struct Glyph {
	char c;
	std::array<uint8_t, kGlyphHeight> rows;
};

constexpr std::array<Glyph, 15> kFont = {{
	{'0', {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}},
	{'1', {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}},
	{'2', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}},
	{'3', {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}},
	{'4', {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}},
	{'5', {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}},
	{'6', {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}},
	{'7', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
	{'8', {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}},
	{'9', {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}},
	{'#', {0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a}},
	{'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}},
	{'s', {0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e}},
	{':', {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}},
	{' ', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
}};

const Glyph *glyphFor(char c)
{
	for (const Glyph &g : kFont)
		if (g.c == c)
			return &g;
	return nullptr;
}

/* How to write one pixel of a format's first plane. */
struct PixelWriter {
	uint32_t step = 0;  /* bytes per pixel (luma sample step for packed YUV) */
	uint32_t first = 0; /* offset of the byte(s) to write */
	uint32_t count = 0; /* bytes to write per pixel */
	bool yuv = false;
	std::array<uint8_t, 4> mask = {}; /* RGB: which bytes are colour */
};

bool writerFor(const PixelFormatInfo &format, PixelWriter &w)
{
	if (format.bayer)
		return false;
	const PlaneInfo &plane = format.planes[0];
	if (format.yuv) {
		w.yuv = true;
		w.count = 1;
		if (format.numPlanes > 1) {
			w.step = 1;
		} else {
			w.step = 2; /* packed 4:2:2 */
			w.first = format.name[0] == 'Y' ? 0 : 1;
		}
		return true;
	}
	if (format.numPlanes != 1 || plane.blockWidth != 1 || plane.bytesPerBlock > 4)
		return false;
	w.step = plane.bytesPerBlock;
	w.count = plane.bytesPerBlock;
	w.mask = InvertStage::maskFor(format);
	return true;
}

void putPixel(const ImageView &view, const PixelWriter &w, uint32_t x, uint32_t y, bool on)
{
	uint8_t *px = view.planes[0].data + static_cast<size_t>(y) * view.planes[0].stride +
		      static_cast<size_t>(x) * w.step + w.first;
	if (w.yuv) {
		/* Limited-range white and black: what YUV from a camera uses. */
		*px = on ? 235 : 16;
		return;
	}
	for (uint32_t i = 0; i < w.count; ++i)
		if (w.mask[i & 3])
			px[i] = on ? 0xff : 0x00;
}

} /* namespace */

bool OverlayStage::supports(const PixelFormatInfo &format)
{
	PixelWriter w;
	return writerFor(format, w);
}

size_t OverlayStage::formatText(const FrameMetadata &metadata, char *buf, size_t size)
{
	int64_t ms = metadata.timestampNs / 1000000;
	int n = std::snprintf(buf, size, "#%06" PRIu64 " %" PRId64 ".%03" PRId64 "s",
			      metadata.sequence, ms / 1000, ms % 1000);
	if (n < 0)
		return 0;
	return std::min(static_cast<size_t>(n), size ? size - 1 : 0);
}

void OverlayStage::draw(const ImageView &view, std::string_view text, uint32_t x0, uint32_t y0,
			unsigned scale)
{
	PixelWriter w;
	if (!writerFor(*view.format, w) || !view.planes[0].data)
		return;
	uint32_t boxW =
		static_cast<uint32_t>((text.size() * kAdvance + size_t{2} * kMargin) * scale);
	uint32_t boxH = (kGlyphHeight + 2 * kMargin) * scale;
	for (uint32_t by = 0; by < boxH && y0 + by < view.height; ++by) {
		uint32_t fy = by / scale; /* font row incl. margin */
		for (uint32_t bx = 0; bx < boxW && x0 + bx < view.width; ++bx) {
			uint32_t fx = bx / scale;
			bool on = false;
			if (fy >= kMargin && fy < kMargin + kGlyphHeight && fx >= kMargin) {
				uint32_t col = fx - kMargin;
				size_t ch = col / kAdvance;
				uint32_t gx = col % kAdvance;
				if (ch < text.size() && gx < kGlyphWidth) {
					const Glyph *g = glyphFor(text[ch]);
					on = g &&
					     (g->rows[fy - kMargin] >> (kGlyphWidth - 1 - gx)) & 1;
				}
			}
			putPixel(view, w, x0 + bx, y0 + by, on);
		}
	}
}

Result<void> OverlayStage::configure(std::span<const FrameBuffer> input)
{
	if (input.empty())
		return Error::fromErrno(EINVAL, "overlay: no buffers");
	const PixelFormatInfo &format = *input.front().format;
	if (!supports(format))
		return Error::fromErrno(ENOTSUP, "overlay: " + std::string(format.name) +
							 " is not supported (it takes YUV and "
							 "8/16/24/32-bit RGB formats)");
	return maps_.map(input, Mapping::ReadWrite);
}

int OverlayStage::process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *,
			  StageWork &work)
{
	char text[48];
	size_t len = formatText(metadata, text, sizeof(text));
	FrameSync sync;
	int ret = sync.begin(in, CpuAccess::Mode::ReadWrite, work, sync_);
	if (ret < 0)
		return ret;
	draw(maps_.view(in), std::string_view(text, len), 8, 8, scale_);
	return sync.end();
}

} /* namespace primecam */
