/* SPDX-License-Identifier: MIT */
#include "src/verify/verify_matrix.h"

#include <algorithm>

namespace primecam {

namespace {

uint64_t area(FrameSize size)
{
	return static_cast<uint64_t>(size.width) * size.height;
}

std::string sizeName(FrameSize size)
{
	return std::to_string(size.width) + "x" + std::to_string(size.height);
}

} /* namespace */

std::string CaseSpec::name() const
{
	std::string memory = pool ? std::string("dmabuf-") + poolKindName(*pool)
				  : std::string(api.empty() ? "libcamera" : "mmap");
	std::string text = std::string(format ? format->name : "?") + "/" + sizeName(size) + "/" +
			   memory + "/";
	if (!api.empty())
		text += api + "/";
	return text + (overlay ? "overlay" : "primary");
}

std::optional<FrameSize> mainSize(const CameraOffer::Format &format, const DisplayOffer &display)
{
	std::optional<FrameSize> best;
	for (FrameSize size : format.sizes) {
		if (size.width > display.preferred.width || size.height > display.preferred.height)
			continue;
		bool isMode = std::find(display.modes.begin(), display.modes.end(), size) !=
			      display.modes.end();
		if (isMode && (!best || area(size) > area(*best)))
			best = size;
	}
	return best;
}

std::optional<FrameSize> overlaySize(const CameraOffer::Format &format, FrameSize main)
{
	std::optional<FrameSize> best;
	for (FrameSize size : format.sizes)
		if (size.width < main.width && size.height < main.height &&
		    (!best || area(size) > area(*best)))
			best = size;
	return best;
}

std::vector<CaseSpec> formatCases(const CameraOffer &camera, const DisplayOffer &display)
{
	std::vector<CaseSpec> cases;
	const std::string api = camera.apis.empty() ? std::string() : camera.apis.front();
	for (const CameraOffer::Format &format : camera.formats) {
		CaseSpec spec;
		spec.format = format.format;
		spec.api = api;
		std::optional<FrameSize> main = mainSize(format, display);
		if (main) {
			spec.size = spec.mode = *main;
		} else {
			/* Named by the preferred mode, where it would have run. */
			spec.size = spec.mode = display.preferred;
			spec.unmade = "no size the camera gives in " +
				      std::string(format.format->name) +
				      " equals a display mode up to the preferred " +
				      sizeName(display.preferred);
		}
		cases.push_back(spec);
		/* A camera that gives no mode's size (libcamera rounds them)
		 * can still be shown on an overlay, on the preferred mode. */
		std::optional<FrameSize> small = overlaySize(format, spec.mode);
		if (display.overlay && small) {
			spec.size = *small;
			spec.overlay = true;
			spec.unmade.clear();
			cases.push_back(spec);
		}
	}
	return cases;
}

std::vector<CaseSpec> memoryCases(const std::vector<CaseSpec> &representatives,
				  const CameraOffer &camera)
{
	std::vector<CaseSpec> cases;
	for (const CaseSpec &representative : representatives) {
		for (PoolKind pool : camera.pools) {
			CaseSpec spec = representative;
			spec.pool = pool;
			cases.push_back(spec);
		}
		for (size_t i = 1; i < camera.apis.size(); ++i) {
			CaseSpec spec = representative;
			spec.api = camera.apis[i];
			cases.push_back(spec);
		}
	}
	return cases;
}

} /* namespace primecam */
