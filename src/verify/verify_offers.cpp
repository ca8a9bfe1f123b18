/* SPDX-License-Identifier: MIT */
#include "src/verify/verify_offers.h"

#include <algorithm>

#include <unistd.h>

#include "base/device_nodes.h"
#include "drm/card.h"
#include "drm/kms_resources.h"
#include "modules/module_registry.h"
#include "pipeline/import_quirks.h"
#include "v4l2/capture_node.h"

namespace primecam {

namespace {

constexpr std::string_view kLibcameraPrefix = "libcamera:";

bool contains(const std::vector<FrameSize> &sizes, FrameSize size)
{
	return std::find(sizes.begin(), sizes.end(), size) != sizes.end();
}

void addFormats(const KmsPlane &plane, std::vector<uint32_t> &formats)
{
	for (uint32_t f : plane.formats)
		if (std::find(formats.begin(), formats.end(), f) == formats.end())
			formats.push_back(f);
}

Result<DisplayOffer> offerOf(Card &card)
{
	Result<void> atomic = card.enableAtomic(false);
	if (!atomic)
		return std::move(atomic).error();
	Result<KmsResources> resources = KmsResources::query(card);
	if (!resources)
		return std::move(resources).error();
	const KmsConnector *connector = nullptr;
	for (const KmsConnector &c : resources->connectors())
		if (!c.writeback && c.connection == DRM_MODE_CONNECTED && !c.modes.empty()) {
			connector = &c;
			break;
		}
	if (!connector)
		return Error{ENODEV, card.describe() + " has no connected display"};

	DisplayOffer offer;
	offer.card = card.path();
	offer.describe = card.describe() + " " + connector->name;
	offer.preferred = {connector->modes.front().hdisplay, connector->modes.front().vdisplay};
	for (const drmModeModeInfo &mode : connector->modes) {
		FrameSize size{mode.hdisplay, mode.vdisplay};
		if (mode.type & DRM_MODE_TYPE_PREFERRED)
			offer.preferred = size;
		if (!contains(offer.modes, size))
			offer.modes.push_back(size);
	}
	for (const KmsPlane &plane : resources->planes()) {
		if (plane.type == KmsPlane::Type::Primary)
			addFormats(plane, offer.primaryFormats);
		if (plane.type == KmsPlane::Type::Overlay) {
			offer.overlay = true;
			addFormats(plane, offer.overlayFormats);
		}
	}
	return offer;
}

/* The sizes of a format among those worth a case: the display's modes up to
 * the preferred one, and the camera's own smaller sizes (for an overlay). */
std::vector<FrameSize> v4l2Sizes(const VideoDevice &device, uint32_t fourcc,
				 const DisplayOffer &display)
{
	std::vector<FrameSize> sizes;
	Result<FrameSizes> offered = device.enumFrameSizes(fourcc);
	if (!offered)
		return sizes;
	if (offered->kind == FrameSizes::Kind::Discrete)
		return offered->discrete;
	for (FrameSize mode : display.modes)
		if (mode.width <= display.preferred.width &&
		    mode.height <= display.preferred.height &&
		    offered->contains(mode.width, mode.height))
			sizes.push_back(mode);
	return sizes;
}

Result<CameraOffer> v4l2Offer(const std::string &name, const DisplayOffer &display)
{
	std::string node = name;
	if (node.empty()) {
		for (const std::string &path : VideoDevice::listNodes()) {
			Result<VideoDevice> device = VideoDevice::open(path);
			if (device &&
			    (device->caps() &
			     (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)) &&
			    (device->caps() & V4L2_CAP_STREAMING)) {
				node = path;
				break;
			}
		}
		if (node.empty())
			return Error{ENODEV, "no V4L2 capture node found; name one with --camera"};
	}
	Result<VideoDevice> device = openCaptureNode(node, CaptureConfig::Api::Auto);
	if (!device)
		return std::move(device).error();

	CameraOffer offer;
	offer.device = device->path();
	offer.driver = device->driver();
	offer.describe = device->describe();
	bool single = device->caps() & V4L2_CAP_VIDEO_CAPTURE;
	bool multi = device->caps() & V4L2_CAP_VIDEO_CAPTURE_MPLANE;
	if (single)
		offer.apis.push_back("single-planar");
	if (multi)
		offer.apis.push_back("multi-planar");

	Result<std::vector<FormatDescription>> formats = device->enumFormats();
	if (!formats)
		return std::move(formats).error();
	for (const FormatDescription &d : *formats) {
		const PixelFormatInfo *format = formatByV4l2(d.fourcc);
		if (!format || std::any_of(offer.formats.begin(), offer.formats.end(),
					   [&](const auto &f) { return f.format == format; }))
			continue;
		offer.formats.push_back({format, v4l2Sizes(*device, d.fourcc, display)});
	}

	/* A pool the quirk table refuses for this camera is left out, with
	 * the pools whose device this machine lacks. */
	const std::pair<PoolKind, const char *> pools[] = {
		{PoolKind::Dumb, nullptr},
		{PoolKind::DmaHeap, "/dev/dma_heap/system"},
		{PoolKind::Udmabuf, "/dev/udmabuf"},
	};
	for (const auto &[kind, path] : pools)
		if ((!path || access(path, R_OK | W_OK) == 0) &&
		    !poolRefusal(kind, PoolConsumer::V4l2Capture, offer.driver))
			offer.pools.push_back(kind);
	return offer;
}

Result<CameraOffer> libcameraOffer(const std::string &id, const DisplayOffer &display)
{
	Result<const LibcameraBackend *> backend = ModuleRegistry::instance().libcamera();
	if (!backend)
		return std::move(backend).error();
	LibcameraConfig config;
	config.camera = id;
	Result<CameraProbe> probe = (*backend)->probeCamera(config);
	if (!probe)
		return std::move(probe).error();

	CameraOffer offer;
	offer.libcamera = true;
	offer.device = probe->camera.id;
	offer.describe = "libcamera \"" + probe->camera.id + "\"";
	for (const CameraInfo::StreamFormat &f : probe->camera.formats) {
		if (!f.format)
			continue;
		CameraOffer::Format format{f.format, {}};
		/* libcamera lists ranges, and rounds what it is asked for:
		 * ask it at each mode size, and keep what it would give. */
		config.format = f.format;
		for (FrameSize mode : display.modes) {
			if (mode.width > display.preferred.width ||
			    mode.height > display.preferred.height)
				continue;
			config.width = mode.width;
			config.height = mode.height;
			Result<CameraProbe> sized = (*backend)->probeCamera(config);
			FrameSize given{sized ? sized->width : 0, sized ? sized->height : 0};
			if (given.width && given.height && !contains(format.sizes, given))
				format.sizes.push_back(given);
		}
		offer.formats.push_back(std::move(format));
	}
	return offer;
}

} /* namespace */

/* Opened as DRM master, for the moment of the question: the kernel probes a
 * connector's modes only for the master, and after boot nobody has yet. */
Result<DisplayOffer> displayOffer(const std::string &card)
{
	if (!card.empty()) {
		Result<Card> opened = Card::openByName(card, Card::Role::Display);
		if (!opened)
			return std::move(opened).error();
		return offerOf(*opened);
	}
	std::string tried;
	for (const DeviceNode &node : listDeviceNodes("drm", "card", "dri")) {
		Result<Card> opened = Card::open(node.path, Card::Role::Display);
		if (!opened)
			continue;
		Result<DisplayOffer> offer = offerOf(*opened);
		if (offer)
			return offer;
		tried += (tried.empty() ? "" : "; ") + offer.error().message;
	}
	return Error{ENODEV, "no card with a connected display" +
				     (tried.empty() ? std::string() : ": " + tried) +
				     "; name one with --display"};
}

Result<CameraOffer> cameraOffer(const std::string &camera, const DisplayOffer &display)
{
	if (camera.starts_with(kLibcameraPrefix))
		return libcameraOffer(camera.substr(kLibcameraPrefix.size()), display);
	return v4l2Offer(camera, display);
}

} /* namespace primecam */
