/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "camera/libcamera_config.h"

namespace libcamera {
class Camera;
class CameraManager;
} /* namespace libcamera */

namespace primecam {

/*
 * libcamera allows one CameraManager per process (a second one is a fatal
 * error inside libcamera), while `primecam list`, the doctor, a run and the
 * tests each want one: they share this one, started on first use and
 * stopped when the last user lets go of it.
 */
Result<std::shared_ptr<libcamera::CameraManager>> sharedCameraManager();

/*
 * The camera a config names: `camera` is an id, or a decimal index into
 * libcamera's list, or empty for the first camera. The error lists the
 * cameras there are (id and model), or says that libcamera found none.
 */
Result<std::shared_ptr<libcamera::Camera>> findCamera(libcamera::CameraManager &manager,
						      const std::string &camera);

} /* namespace primecam */
