/* SPDX-License-Identifier: MIT */
#include "camera/camera_manager.h"

#include <cerrno>
#include <charconv>
#include <mutex>

#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>

#include "camera/libcamera_compat.h"

namespace primecam {

Result<std::shared_ptr<libcamera::CameraManager>> sharedCameraManager()
{
	static std::mutex lock;
	static std::weak_ptr<libcamera::CameraManager> shared;

	std::lock_guard<std::mutex> guard(lock);
	if (std::shared_ptr<libcamera::CameraManager> manager = shared.lock())
		return manager;

	auto *raw = new libcamera::CameraManager();
	int ret = raw->start();
	if (ret < 0) {
		delete raw;
		return Error::fromErrno(-ret, "starting libcamera's camera manager");
	}
	/* stop() joins libcamera's thread and closes the device nodes. */
	std::shared_ptr<libcamera::CameraManager> manager(raw, [](libcamera::CameraManager *m) {
		m->stop();
		delete m;
	});
	shared = manager;
	return manager;
}

Result<std::shared_ptr<libcamera::Camera>> findCamera(libcamera::CameraManager &manager,
						      const std::string &camera)
{
	std::vector<std::shared_ptr<libcamera::Camera>> cameras = manager.cameras();
	if (cameras.empty())
		return Error::fromErrno(
			ENODEV, "libcamera found no camera" +
					(camera.empty() ? std::string()
							: " (looking for \"" + camera + "\")") +
					"; it enumerates through udev: is udevd running and "
					"are libcamera's IPA modules (Debian: libcamera-ipa) "
					"installed?");
	if (camera.empty())
		return cameras.front();

	for (const std::shared_ptr<libcamera::Camera> &c : cameras) {
		if (c->id() == camera)
			return c;
	}
	size_t index = 0;
	auto [end, ec] = std::from_chars(camera.data(), camera.data() + camera.size(), index);
	if (ec == std::errc() && end == camera.data() + camera.size() && index < cameras.size())
		return cameras[index];

	std::string list;
	for (size_t i = 0; i < cameras.size(); ++i) {
		std::string model = compat::cameraModel(*cameras[i]);
		list += (i ? ", " : "") + std::to_string(i) + ": \"" + cameras[i]->id() + "\"" +
			(model.empty() ? std::string() : " (" + model + ")");
	}
	return Error::fromErrno(ENODEV, "no libcamera camera \"" + camera +
						"\" (an id or an index); cameras present: " + list);
}

} /* namespace primecam */
