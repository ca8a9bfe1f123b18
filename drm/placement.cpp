/* SPDX-License-Identifier: MIT */
#include "drm/placement.h"

#include <cerrno>

namespace primecam {

std::string ScreenRect::describe() const
{
	auto signedText = [](int32_t v) { return (v < 0 ? "" : "+") + std::to_string(v); };
	return std::to_string(width) + "x" + std::to_string(height) + signedText(x) + signedText(y);
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
	}
	return Error{EINVAL, "unknown placement"};
}

} /* namespace primecam */
