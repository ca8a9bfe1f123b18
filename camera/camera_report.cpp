/* SPDX-License-Identifier: MIT */
#include "camera/camera_report.h"

#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>
#include <libcamera/stream.h>

#include "camera/camera_manager.h"
#include "camera/libcamera_compat.h"

namespace primecam {

namespace {

std::string sizeText(const libcamera::Size &size)
{
	return std::to_string(size.width) + "x" + std::to_string(size.height);
}

CameraInfo describe(libcamera::Camera &camera, uint32_t index)
{
	CameraInfo info;
	info.index = index;
	info.id = camera.id();
	info.model = compat::cameraModel(camera);
	std::unique_ptr<libcamera::CameraConfiguration> config =
		compat::viewfinderConfiguration(camera);
	if (!config || config->empty())
		return info;
	const libcamera::StreamConfiguration &stream = config->at(0);
	info.defaultConfig = stream.toString();
	for (const libcamera::PixelFormat &pf : stream.formats().pixelformats()) {
		CameraInfo::StreamFormat &f = info.formats.emplace_back();
		/* libcamera names pixel formats by DRM fourcc. */
		f.fourcc = pf.fourcc();
		f.format = formatByDrm(pf.fourcc());
		f.name = pf.toString();
		libcamera::SizeRange range = stream.formats().range(pf);
		f.sizes = sizeText(range.min) + "-" + sizeText(range.max);
	}
	return info;
}

} /* namespace */

Result<std::vector<CameraInfo>> listCameras()
{
	Result<std::shared_ptr<libcamera::CameraManager>> manager = sharedCameraManager();
	if (!manager)
		return std::move(manager).error();
	std::vector<CameraInfo> infos;
	std::vector<std::shared_ptr<libcamera::Camera>> cameras = (*manager)->cameras();
	for (uint32_t i = 0; i < cameras.size(); ++i)
		infos.push_back(describe(*cameras[i], i));
	return infos;
}

std::string describeCameras()
{
	Result<std::vector<CameraInfo>> cameras = listCameras();
	if (!cameras)
		return cameras.error().message + "\n";
	if (cameras->empty())
		return "no libcamera cameras (libcamera enumerates through udev)\n";
	std::string text;
	for (const CameraInfo &c : *cameras) {
		text += std::to_string(c.index) + ": \"" + c.id + "\"";
		if (!c.model.empty())
			text += " model \"" + c.model + "\"";
		text += "\n  viewfinder stream, default " + c.defaultConfig + "\n";
		for (const CameraInfo::StreamFormat &f : c.formats) {
			text += "    " + f.name + " " + f.sizes;
			if (!f.format)
				text += " (not in primecam's format table)";
			text += "\n";
		}
	}
	return text;
}

Result<CameraProbe> probeCamera(const LibcameraConfig &config)
{
	Result<std::shared_ptr<libcamera::CameraManager>> manager = sharedCameraManager();
	if (!manager)
		return std::move(manager).error();
	Result<std::shared_ptr<libcamera::Camera>> camera = findCamera(**manager, config.camera);
	if (!camera)
		return std::move(camera).error();

	CameraProbe probe;
	std::vector<std::shared_ptr<libcamera::Camera>> all = (*manager)->cameras();
	uint32_t index = 0;
	while (index < all.size() && all[index] != *camera)
		++index;
	probe.camera = describe(**camera, index);

	std::unique_ptr<libcamera::CameraConfiguration> generated =
		compat::viewfinderConfiguration(**camera);
	if (!generated || generated->empty() || !config.format || !config.format->drm)
		return probe;
	libcamera::StreamConfiguration &stream = generated->at(0);
	stream.pixelFormat = libcamera::PixelFormat(config.format->drm);
	stream.size = libcamera::Size(config.width, config.height);
	bool adjusted = generated->validate() == libcamera::CameraConfiguration::Adjusted;
	if (stream.pixelFormat.fourcc() == config.format->drm) {
		probe.width = stream.size.width;
		probe.height = stream.size.height;
	}
	if (adjusted && stream.pixelFormat.fourcc() == config.format->drm &&
	    (stream.size.width != config.width || stream.size.height != config.height))
		probe.adjustment = "libcamera adjusts " + std::to_string(config.width) + "x" +
				   std::to_string(config.height) + " to " + sizeText(stream.size);
	return probe;
}

} /* namespace primecam */
