/* SPDX-License-Identifier: MIT */
#include "egl/gl_output_mode.h"

#include <optional>

#include <drm_fourcc.h>

#include "base/pixel_format.h"
#include "drm/card.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"

namespace primecam {

Result<std::pair<uint32_t, uint32_t>> glOutputModeSize(const KmsSink &display,
						       const KmsSinkConfig &config, uint32_t width,
						       uint32_t height)
{
	std::optional<Card> opened;
	const Card *card = &display.card();
	if (card->fd() < 0) {
		Result<Card> open = Card::openByName(config.card, Card::Role::Display);
		if (!open)
			return std::move(open).error();
		Result<void> atomic = open->enableAtomic(false);
		if (!atomic)
			return std::move(atomic).error();
		opened = std::move(*open);
		card = &*opened;
	}
	Result<KmsResources> res = KmsResources::query(*card);
	if (!res)
		return std::move(res).error();
	/* GL draws RGB: no YUV encoding for the plane to follow. */
	KmsOutput::FrameFormat frame{formatByName("XRGB8888"), DRM_FORMAT_MOD_LINEAR, width, height,
				     YuvEncoding{}};
	Result<KmsOutput> output = KmsOutput::select(*res, config, frame, card->describe());
	if (!output)
		return std::move(output).error();
	return std::pair<uint32_t, uint32_t>{output->mode().hdisplay, output->mode().vdisplay};
}

} /* namespace primecam */
