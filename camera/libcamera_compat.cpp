/* SPDX-License-Identifier: MIT */
#include "camera/libcamera_compat.h"

#include <libcamera/property_ids.h>
#include <libcamera/stream.h>

namespace primecam::compat {

std::unique_ptr<libcamera::CameraConfiguration> viewfinderConfiguration(libcamera::Camera &camera)
{
	return camera.generateConfiguration({libcamera::StreamRole::Viewfinder});
}

std::string cameraModel(const libcamera::Camera &camera)
{
	std::optional<std::string> model = camera.properties().get(libcamera::properties::Model);
	return model ? *model : std::string();
}

CompletedBuffer completedBuffer(const libcamera::FrameBuffer &buffer)
{
	const libcamera::FrameMetadata &meta = buffer.metadata();
	CompletedBuffer done;
	done.ok = meta.status == libcamera::FrameMetadata::FrameSuccess;
	done.cancelled = meta.status == libcamera::FrameMetadata::FrameCancelled;
	done.sequence = meta.sequence;
	/* The V4L2 buffer timestamp, CLOCK_MONOTONIC, in ns. */
	done.timestampNs = static_cast<int64_t>(meta.timestamp);
	return done;
}

void reuseRequest(libcamera::Request &request)
{
	request.reuse(libcamera::Request::ReuseBuffers);
}

} /* namespace primecam::compat */
