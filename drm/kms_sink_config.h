/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/yuv_encoding.h"
#include "drm/mode_request.h"

namespace primecam {

/* What a config file's [[sink]] of type "kms" asks for (see configs/README.md). */
struct KmsSinkConfig {
	enum class Plane {
		Primary,
		Overlay,
		Id
	};
	enum class Placement {
		Fullscreen,
		Center,
		Rect
	};

	/* A path ("/dev/dri/card0") or a driver name ("vkms"). */
	std::string card;
	/* A connector name ("Virtual-1", as `primecam list` prints it), its
	 * object id, or empty for the first connected one. */
	std::string connector;
	Plane plane = Plane::Primary;
	uint32_t planeId = 0; /* for Plane::Id */
	Placement placement = Placement::Fullscreen;
	/* For Placement::Rect: where on the screen, in pixels. */
	int32_t x = 0;
	int32_t y = 0;
	uint32_t width = 0;
	uint32_t height = 0;
	/* The mode asked for, or none: for a full-screen primary plane the
	 * mode whose size equals the frame's, else the preferred mode. */
	std::optional<ModeRequest> mode;
	/* YUV frames: the matrix and range the plane is told to convert with
	 * (COLOR_ENCODING, COLOR_RANGE), over what the frames carry. */
	YuvEncodingChoice encoding;
	/* The plane's place in the stack (its zpos property), if the config
	 * says; else the driver's order. */
	std::optional<uint64_t> zpos;
	/* Show YUV frames on a plane that cannot be told their encoding,
	 * with the plane's own conversion (drm/plane_color.h). */
	bool acceptPlaneEncoding = false;
};

} /* namespace primecam */
