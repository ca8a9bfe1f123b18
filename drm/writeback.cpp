/* SPDX-License-Identifier: MIT */
#include "drm/writeback.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <drm_fourcc.h>
#include <poll.h>
#include <xf86drm.h>

#include "base/pixel_format.h"
#include "base/unique_fd.h"
#include "drm/card.h"
#include "drm/kms_output.h"

namespace primecam {

Result<Writeback> Writeback::create(const Card &card, const KmsResources &res, const KmsCrtc &crtc,
				    const KmsConnector &display, const drmModeModeInfo &mode)
{
	const KmsConnector *connector = nullptr;
	std::string seen;
	for (const KmsConnector &c : res.connectors()) {
		if (!c.writeback)
			continue;
		seen += (seen.empty() ? "" : "; ") + c.name + " (formats " +
			formatList(c.writebackFormats) + ", CRTC mask " +
			std::to_string(c.possibleCrtcs) + ")";
		if (!(c.possibleCrtcs & (1u << crtc.index)))
			continue;
		if (std::find(c.writebackFormats.begin(), c.writebackFormats.end(),
			      DRM_FORMAT_XRGB8888) == c.writebackFormats.end())
			continue;
		connector = &c;
		break;
	}
	if (!connector)
		return Error{ENODEV,
			     card.describe() + " has no writeback connector for CRTC " +
				     std::to_string(crtc.id) + " (index " +
				     std::to_string(crtc.index) + ") that writes XRGB8888; " +
				     (seen.empty() ? "it has none (or the client cap was not set)"
						   : "it has: " + seen)};
	for (const char *name : {"CRTC_ID", "WRITEBACK_FB_ID", "WRITEBACK_OUT_FENCE_PTR"})
		if (!connector->properties.id(name))
			return Error{ENOTSUP, card.describe() + ": writeback connector " +
						      connector->name + " has no property " + name};

	Writeback wb;
	wb.cardFd_ = card.fd();
	wb.cardName_ = card.describe();
	wb.connector_ = *connector;
	wb.display_ = display;
	wb.swap_ = !canShareCrtc(*connector, display);
	wb.crtcId_ = crtc.id;
	wb.width_ = mode.hdisplay;
	wb.height_ = mode.vdisplay;
	auto buffer = DumbBuffer::create(card, wb.width_, wb.height_, 32);
	if (!buffer)
		return std::move(buffer).error();
	wb.buffer_ = std::move(*buffer);
	auto fb = Framebuffer::wrap(card.fd(), wb.buffer_.handle(), DRM_FORMAT_XRGB8888, wb.width_,
				    wb.height_, wb.buffer_.pitch(),
				    "the writeback buffer on " + card.describe());
	if (!fb)
		return std::move(fb).error();
	wb.fb_ = std::move(*fb);
	auto mapping = wb.buffer_.map(Mapping::Read);
	if (!mapping)
		return std::move(mapping).error();
	wb.mapping_ = std::move(*mapping);
	return wb;
}

int Writeback::detach(AtomicRequest &req)
{
	req.clear();
	req.add(connector_.id, connector_.properties.id("CRTC_ID"), 0);
	if (swap_)
		req.add(display_.id, display_.properties.id("CRTC_ID"), crtcId_);
	int ret = req.commit(cardFd_, DRM_MODE_ATOMIC_ALLOW_MODESET);
	req.clear();
	return ret;
}

Result<Image> Writeback::capture(AtomicRequest &req, std::chrono::milliseconds timeout)
{
	const std::string what = cardName_ + " writeback connector " + connector_.name;
	const KmsPropertyList &props = connector_.properties;
	/* The kernel writes the sync_file fd here (an s32) during the commit. */
	int32_t fence = -1;
	req.clear();
	req.add(connector_.id, props.id("CRTC_ID"), crtcId_);
	req.add(connector_.id, props.id("WRITEBACK_FB_ID"), fb_.id());
	req.add(connector_.id, props.id("WRITEBACK_OUT_FENCE_PTR"),
		static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&fence)));
	if (swap_)
		req.add(display_.id, display_.properties.id("CRTC_ID"), 0);
	/* Blocking and with ALLOW_MODESET: adding a connector to the CRTC
	 * changes its routing, which is a modeset for the kernel. */
	int ret = req.commit(cardFd_, DRM_MODE_ATOMIC_ALLOW_MODESET);
	req.clear();
	if (ret < 0)
		return Error::fromErrno(
			-ret, "attaching " + what + " to CRTC " + std::to_string(crtcId_) +
				      (swap_ ? " in place of " + display_.name : ""));
	UniqueFd fenceFd(fence);

	if (!fenceFd) {
		detach(req);
		return Error{EPROTO, what + " gave no out-fence"};
	}
	struct pollfd pfd = {fenceFd.get(), POLLIN, 0};
	int n;
	do {
		n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		int err = n < 0 ? errno : ETIMEDOUT;
		detach(req);
		return Error::fromErrno(err, "waiting " + std::to_string(timeout.count()) +
						     " ms for the out-fence of " + what);
	}

	Image image;
	image.format = formatByDrm(DRM_FORMAT_XRGB8888);
	image.width = width_;
	image.height = height_;
	image.stride = width_ * 4;
	image.data.resize(size_t{image.stride} * height_);
	const uint8_t *src = mapping_.data().data();
	for (uint32_t y = 0; y < height_; ++y)
		std::memcpy(image.data.data() + size_t{y} * image.stride,
			    src + size_t{y} * buffer_.pitch(), image.stride);

	ret = detach(req);
	if (ret < 0)
		return Error::fromErrno(
			-ret,
			"detaching " + what + " from CRTC " + std::to_string(crtcId_) +
				(swap_ ? " and putting " + display_.name + " back on it" : ""));
	return image;
}

} /* namespace primecam */
