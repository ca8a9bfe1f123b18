/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Every libcamera call whose form changed between releases, in one place.
 * primecam is written against the libcamera Debian 12 ships (0.0.3); a port
 * to a newer release changes this file pair and nothing else:
 *
 *  - generateConfiguration() takes a StreamRoles vector in 0.0.3 (a span of
 *    roles from 0.1);
 *  - FrameMetadata::status/sequence/timestamp are plain members in 0.0.3;
 *  - ControlList::get() returns std::optional<T> since 0.0.1 (T before);
 *  - CameraConfiguration::transform became `orientation` in 0.3 (unused).
 */

#include <cstdint>
#include <memory>
#include <string>

#include <libcamera/camera.h>
#include <libcamera/framebuffer.h>
#include <libcamera/request.h>

namespace primecam::compat {

/* One viewfinder stream: what a display path wants (libcamera's cam and
 * qcam use the same role to show a camera). nullptr when the camera has no
 * such stream. */
std::unique_ptr<libcamera::CameraConfiguration> viewfinderConfiguration(libcamera::Camera &camera);

/* properties::Model ("Sensor B"), or "" when the camera does not say. */
std::string cameraModel(const libcamera::Camera &camera);

/* What a completed buffer's metadata says. */
struct CompletedBuffer {
	bool ok = false;	/* FrameSuccess: the buffer holds a frame */
	bool cancelled = false; /* FrameCancelled: returned unfilled by stop() */
	uint32_t sequence = 0;	/* the pipeline's frame counter */
	int64_t timestampNs = 0;
};
CompletedBuffer completedBuffer(const libcamera::FrameBuffer &buffer);

/* Puts a completed request back to the state of a new one, keeping its
 * buffers: the request is reused, never recreated per frame. */
void reuseRequest(libcamera::Request &request);

} /* namespace primecam::compat */
