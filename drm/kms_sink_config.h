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
		Rect,
		/* The largest rectangle of the frame's aspect ratio, centred,
		 * black around: the plane scales, the picture stays whole. */
		Fit,
		/* The whole screen, the frame cropped (centred) to the
		 * screen's aspect ratio: the plane scales, nothing is black. */
		Fill,
		/* layout = "mosaic": one cell of a grid over the screen */
		Mosaic,
		/* layout = "pip": cell 0 full screen, the others insets */
		Pip
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
	/* Mosaic and Pip: this sink's index among the kms sinks on the same
	 * card with the same layout, in config order, and how many there are
	 * (filled by the config rules). For Pip, cell 0 is the main picture. */
	uint32_t cell = 0;
	uint32_t cells = 1;
	/* The plane's z-order (its "zpos" property), or the plane's own. */
	std::optional<uint64_t> zpos;
	/* The mode asked for, or none: for a full-screen primary plane the
	 * mode whose size equals the frame's, else the preferred mode. */
	std::optional<ModeRequest> mode;
	/* YUV frames: the matrix and range the plane is told to convert with
	 * (COLOR_ENCODING, COLOR_RANGE), over what the frames carry. */
	YuvEncodingChoice encoding;
	/* Show YUV frames on a plane that cannot be told their encoding,
	 * with the plane's own conversion (drm/plane_color.h). */
	bool acceptPlaneEncoding = false;
};

} /* namespace primecam */
