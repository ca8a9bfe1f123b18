/* SPDX-License-Identifier: MIT */
/* primecam-libcamera.so: the libcamera source, loaded by the program only
 * when a config, `list` or the doctor needs a camera. */
#include "camera/camera_report.h"
#include "camera/libcamera_source.h"
#include "modules/module_api.h"

namespace primecam {
namespace {

class LibcameraModule final : public LibcameraBackend
{
public:
	std::unique_ptr<Source> makeSource(const LibcameraConfig &config) const override
	{
		return std::make_unique<LibcameraSource>(config);
	}
	std::string describeCameras() const override { return primecam::describeCameras(); }
	Result<CameraProbe> probeCamera(const LibcameraConfig &config) const override
	{
		return primecam::probeCamera(config);
	}
};

const LibcameraModule backend;
const ModuleEntry entry{kModuleAbiVersion, "libcamera", &backend, nullptr, nullptr, nullptr};

} /* namespace */
} /* namespace primecam */

extern "C" __attribute__((visibility("default"))) const primecam::ModuleEntry *
primecam_module_entry()
{
	return &primecam::entry;
}
