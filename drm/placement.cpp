/* SPDX-License-Identifier: MIT */
#include "drm/placement.h"

#include <cerrno>

namespace primecam {

std::string ScreenRect::describe() const
{
	auto signedText = [](int32_t v) { return (v < 0 ? "" : "+") + std::to_string(v); };
	return std::to_string(width) + "x" + std::to_string(height) + signedText(x) + signedText(y);
}

namespace {

std::string sizeText(int64_t width, int64_t height)
{
	return std::to_string(width) + "x" + std::to_string(height);
}

/*
 * A grid as square as the cell count allows, filled row by row: 2 side by
 * side, 3 and 4 in 2x2, 5 and 6 in 3x2, 9 in 3x3. Cells are the screen
 * divided evenly (the few pixels integer division leaves at the right and
 * bottom stay black), so every camera gets the same room whatever its
 * frame size; the frame sits centred in its cell at its own size.
 */
Result<ScreenRect> placeInMosaic(const KmsSinkConfig &config, uint32_t screenWidth,
				 uint32_t screenHeight, uint32_t frameWidth, uint32_t frameHeight)
{
	const uint32_t cells = config.cells ? config.cells : 1;
	if (config.cell >= cells)
		return Error{EINVAL, "mosaic cell " + std::to_string(config.cell) + " of " +
					     std::to_string(cells) + " cells"};
	uint32_t cols = 1;
	while (uint64_t{cols} * cols < cells)
		++cols;
	const uint32_t rows = (cells + cols - 1) / cols;
	const uint32_t cellWidth = screenWidth / cols;
	const uint32_t cellHeight = screenHeight / rows;
	if (frameWidth > cellWidth || frameHeight > cellHeight)
		return Error{
			EINVAL,
			"a " + sizeText(frameWidth, frameHeight) +
				" frame does not fit its mosaic cell: " + std::to_string(cells) +
				" cells on the " + sizeText(screenWidth, screenHeight) +
				" screen are a " + std::to_string(cols) + "x" +
				std::to_string(rows) + " grid of " +
				sizeText(cellWidth, cellHeight) + " cells; frames of at most " +
				sizeText(cellWidth, cellHeight) + " fit, or a mode of at least " +
				sizeText(int64_t{cols} * frameWidth, int64_t{rows} * frameHeight) +
				" (the plane does not scale)"};
	const uint32_t col = config.cell % cols;
	const uint32_t row = config.cell / cols;
	return ScreenRect{static_cast<int32_t>(col * cellWidth + (cellWidth - frameWidth) / 2),
			  static_cast<int32_t>(row * cellHeight + (cellHeight - frameHeight) / 2),
			  frameWidth, frameHeight};
}

/*
 * Picture-in-picture: the main camera (cell 0) is the whole screen, so its
 * frames must be the mode's size (no scaling). Each inset keeps its own
 * size and sits on the bottom edge, the first in the bottom-right corner,
 * the next to its left and so on, kPipMargin pixels from the edges and
 * from each other: the corner where on-screen text is rarest, and a row
 * that leaves the rest of the main picture clear. One sink knows only its
 * own frame size, so the slots to its right are taken to be as wide as its
 * own: insets of one size line up exactly, and cameras of different sizes
 * want explicit rectangles instead.
 */
Result<ScreenRect> placeInPip(const KmsSinkConfig &config, uint32_t screenWidth,
			      uint32_t screenHeight, uint32_t frameWidth, uint32_t frameHeight)
{
	const std::string screen = sizeText(screenWidth, screenHeight);
	const std::string frame = sizeText(frameWidth, frameHeight);
	if (config.cell == 0) {
		if (frameWidth != screenWidth || frameHeight != screenHeight)
			return Error{EINVAL,
				     "the main picture of a pip layout covers the whole " + screen +
					     " screen, and its frame is " + frame +
					     ": the plane does not scale; give the camera " +
					     screen + " frames or the sink mode = \"" + frame +
					     "\""};
		return ScreenRect{0, 0, screenWidth, screenHeight};
	}
	const int64_t slot = int64_t{frameWidth} + kPipMargin;
	const int64_t x = int64_t{screenWidth} - slot * config.cell;
	const int64_t y = int64_t{screenHeight} - kPipMargin - frameHeight;
	if (x < kPipMargin || y < kPipMargin) {
		const int64_t room = int64_t{screenWidth} - kPipMargin;
		const int64_t fit = frameHeight + 2 * int64_t{kPipMargin} > screenHeight
					    ? 0
					    : (room > 0 ? room / slot : 0);
		return Error{EINVAL, "pip inset " + std::to_string(config.cell) + ": " +
					     std::to_string(config.cell) + " inset(s) of " + frame +
					     " with " + std::to_string(kPipMargin) +
					     "-pixel margins need a screen of at least " +
					     sizeText(kPipMargin + slot * config.cell,
						      frameHeight + 2 * int64_t{kPipMargin}) +
					     "; on the " + screen + " screen " +
					     std::to_string(fit) + " fit"};
	}
	return ScreenRect{static_cast<int32_t>(x), static_cast<int32_t>(y), frameWidth,
			  frameHeight};
}

/* frameWidth x frameHeight scaled to fit area, keeping its aspect ratio
 * (rounding down), centred in it. */
ScreenRect fitInto(const ScreenRect &area, uint32_t frameWidth, uint32_t frameHeight)
{
	uint64_t byWidth = uint64_t{area.width} * frameHeight;
	uint64_t byHeight = uint64_t{area.height} * frameWidth;
	uint32_t w = area.width, h = area.height;
	if (byWidth > byHeight)
		w = static_cast<uint32_t>(byHeight / frameHeight);
	else if (byWidth < byHeight)
		h = static_cast<uint32_t>(byWidth / frameWidth);
	return ScreenRect{area.x + static_cast<int32_t>((area.width - w) / 2),
			  area.y + static_cast<int32_t>((area.height - h) / 2), w, h};
}

} /* namespace */

Result<ScreenRect> placeComposed(const KmsSinkConfig &config, uint32_t screenWidth,
				 uint32_t screenHeight, uint32_t frameWidth, uint32_t frameHeight)
{
	if (frameWidth == 0 || frameHeight == 0 || screenWidth == 0 || screenHeight == 0)
		return Error{EINVAL, "an empty frame or screen"};
	if (config.placement == KmsSinkConfig::Placement::Pip && config.cell == 0)
		return fitInto(ScreenRect{0, 0, screenWidth, screenHeight}, frameWidth,
			       frameHeight);
	Result<ScreenRect> exact =
		placeOnScreen(config, screenWidth, screenHeight, frameWidth, frameHeight);
	if (exact || config.placement != KmsSinkConfig::Placement::Mosaic)
		return exact;
	/* Too large for its cell: the whole cell, scaled. (A cell index out
	 * of range was refused above.) */
	uint32_t cols = 1;
	const uint32_t cells = config.cells ? config.cells : 1;
	if (config.cell >= cells)
		return exact;
	while (uint64_t{cols} * cols < cells)
		++cols;
	const uint32_t rows = (cells + cols - 1) / cols;
	const uint32_t cellWidth = screenWidth / cols, cellHeight = screenHeight / rows;
	const ScreenRect area{static_cast<int32_t>(config.cell % cols * cellWidth),
			      static_cast<int32_t>(config.cell / cols * cellHeight), cellWidth,
			      cellHeight};
	return fitInto(area, frameWidth, frameHeight);
}

Result<ScreenRect> placeOnScreen(const KmsSinkConfig &config, uint32_t screenWidth,
				 uint32_t screenHeight, uint32_t frameWidth, uint32_t frameHeight)
{
	std::string screen = std::to_string(screenWidth) + "x" + std::to_string(screenHeight);
	std::string frame = std::to_string(frameWidth) + "x" + std::to_string(frameHeight);
	switch (config.placement) {
	case KmsSinkConfig::Placement::Fullscreen:
		return ScreenRect{0, 0, screenWidth, screenHeight};
	case KmsSinkConfig::Placement::Center:
		if (frameWidth > screenWidth || frameHeight > screenHeight)
			return Error{EINVAL, "a " + frame + " frame does not fit centred on the " +
						     screen + " screen"};
		return ScreenRect{static_cast<int32_t>((screenWidth - frameWidth) / 2),
				  static_cast<int32_t>((screenHeight - frameHeight) / 2),
				  frameWidth, frameHeight};
	case KmsSinkConfig::Placement::Rect: {
		ScreenRect rect{config.x, config.y, config.width ? config.width : frameWidth,
				config.height ? config.height : frameHeight};
		int64_t right = int64_t{rect.x} + rect.width;
		int64_t bottom = int64_t{rect.y} + rect.height;
		if (rect.x < 0 || rect.y < 0 || right > screenWidth || bottom > screenHeight ||
		    rect.width == 0 || rect.height == 0)
			return Error{EINVAL, "the rectangle " + rect.describe() +
						     " is not wholly on the " + screen + " screen"};
		return rect;
	}
	case KmsSinkConfig::Placement::Fit:
		if (frameWidth == 0 || frameHeight == 0)
			return Error{EINVAL, "an empty frame"};
		return fitInto(ScreenRect{0, 0, screenWidth, screenHeight}, frameWidth,
			       frameHeight);
	case KmsSinkConfig::Placement::Fill:
		return ScreenRect{0, 0, screenWidth, screenHeight};
	case KmsSinkConfig::Placement::Mosaic:
		return placeInMosaic(config, screenWidth, screenHeight, frameWidth, frameHeight);
	case KmsSinkConfig::Placement::Pip:
		return placeInPip(config, screenWidth, screenHeight, frameWidth, frameHeight);
	}
	return Error{EINVAL, "unknown placement"};
}

ScreenRect sourceCrop(const KmsSinkConfig &config, uint32_t screenWidth, uint32_t screenHeight,
		      uint32_t frameWidth, uint32_t frameHeight)
{
	const ScreenRect whole{0, 0, frameWidth, frameHeight};
	if (config.placement != KmsSinkConfig::Placement::Fill || screenWidth == 0 ||
	    screenHeight == 0)
		return whole;
	/* The screen's shape fitted into the frame: what fills the screen. */
	return fitInto(whole, screenWidth, screenHeight);
}

} /* namespace primecam */
