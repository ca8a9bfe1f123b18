/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/pixel_format.h"
#include "base/result.h"
#include "camera/libcamera_config.h"

namespace primecam {

/* One libcamera camera as `primecam list` and the doctor see it, in
 * primecam's terms (no libcamera type leaks out of camera/). */
struct CameraInfo {
	struct StreamFormat {
		const PixelFormatInfo *format = nullptr; /* nullptr: not in primecam's table */
		uint32_t fourcc = 0;			 /* libcamera's: a DRM fourcc */
		std::string name;			 /* libcamera's name ("BGR888") */
		std::string sizes;			 /* "48x48-4096x2160" */
	};

	uint32_t index = 0;
	std::string id;	   /* "platform/vimc.0 Sensor B" */
	std::string model; /* "Sensor B" */
	/* What the viewfinder stream can give, and what libcamera proposes. */
	std::vector<StreamFormat> formats;
	std::string defaultConfig; /* "1920x1080-BGR888" */
};

/* Every camera libcamera finds; an error only when libcamera cannot start. */
Result<std::vector<CameraInfo>> listCameras();
/* The text of `primecam list`'s libcamera section. */
std::string describeCameras();

/* What the doctor asks: the camera a config names, and what libcamera makes
 * of the requested format and size (validated, not applied: the camera is
 * neither acquired nor configured). */
struct CameraProbe {
	CameraInfo camera;
	/* "libcamera adjusts 640x480 to 636x480", when it would. */
	std::optional<std::string> adjustment;
	/* The size libcamera would give for the format asked (0x0 when
	 * none was asked or libcamera changed the format). */
	uint32_t width = 0;
	uint32_t height = 0;
};
Result<CameraProbe> probeCamera(const LibcameraConfig &config);

} /* namespace primecam */
