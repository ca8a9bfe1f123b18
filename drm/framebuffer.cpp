/* SPDX-License-Identifier: MIT */
#include "drm/framebuffer.h"

#include <cerrno>
#include <utility>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

namespace primecam {

Framebuffer::Framebuffer(Framebuffer &&other) noexcept
	: cardFd_(std::exchange(other.cardFd_, -1)), id_(std::exchange(other.id_, 0)),
	  handles_(std::move(other.handles_))
{}

Framebuffer &Framebuffer::operator=(Framebuffer &&other) noexcept
{
	if (this != &other) {
		reset();
		cardFd_ = std::exchange(other.cardFd_, -1);
		id_ = std::exchange(other.id_, 0);
		handles_ = std::move(other.handles_);
	}
	return *this;
}

namespace {

std::string describeBuffer(const FrameBuffer &buffer)
{
	std::string text = "buffer " + std::to_string(buffer.index) + " (" +
			   std::string(buffer.format ? buffer.format->name : "no format") + " " +
			   std::to_string(buffer.width) + "x" + std::to_string(buffer.height);
	for (uint32_t i = 0; i < buffer.numPlanes; ++i)
		text += ", plane " + std::to_string(i) + ": offset " +
			std::to_string(buffer.planes[i].offset) + " stride " +
			std::to_string(buffer.planes[i].stride);
	return text + ")";
}

} /* namespace */

Result<Framebuffer> Framebuffer::import(int cardFd, GemHandleTable &table,
					const FrameBuffer &buffer, bool modifiers,
					const std::string &cardName)
{
	if (!buffer.format || !buffer.format->drm)
		return Error{EINVAL, describeBuffer(buffer) + " has no DRM format; " + cardName +
					     " cannot scan it out"};
	if (buffer.numPlanes == 0 || buffer.numPlanes > 4)
		return Error{EINVAL, describeBuffer(buffer) + " has " +
					     std::to_string(buffer.numPlanes) + " planes"};

	Framebuffer fb;
	fb.cardFd_ = cardFd;
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t mods[4] = {};
	bool linear = true;
	for (uint32_t i = 0; i < buffer.numPlanes; ++i) {
		const FramePlane &plane = buffer.planes[i];
		Result<GemHandle> handle = table.import(
			plane.fd, describeBuffer(buffer) + " colour plane " + std::to_string(i));
		if (!handle)
			return std::move(handle).error();
		handles[i] = handle->get();
		pitches[i] = plane.stride;
		offsets[i] = plane.offset;
		mods[i] = plane.modifier;
		linear = linear && plane.modifier == DRM_FORMAT_MOD_LINEAR;
		fb.handles_[i] = std::move(*handle);
	}
	if (!modifiers && !linear)
		return Error{EINVAL, cardName +
					     " has no DRM_CAP_ADDFB2_MODIFIERS, so it cannot "
					     "be given the tiled layout of " +
					     describeBuffer(buffer)};

	/* Without the cap the kernel rejects DRM_MODE_FB_MODIFIERS; the
	 * buffer is linear then, which is what a framebuffer without
	 * modifiers means. */
	uint32_t flags = modifiers ? DRM_MODE_FB_MODIFIERS : 0;
	if (drmModeAddFB2WithModifiers(cardFd, buffer.width, buffer.height, buffer.format->drm,
				       handles, pitches, offsets, modifiers ? mods : nullptr,
				       &fb.id_, flags) < 0)
		return Error::fromErrno(errno,
					"AddFB2 of " + describeBuffer(buffer) + " on " + cardName);
	return fb;
}

Result<Framebuffer> Framebuffer::wrap(int cardFd, uint32_t handle, uint32_t fourcc, uint32_t width,
				      uint32_t height, uint32_t pitch, const std::string &what)
{
	Framebuffer fb;
	fb.cardFd_ = cardFd;
	uint32_t handles[4] = {handle}, pitches[4] = {pitch}, offsets[4] = {};
	if (drmModeAddFB2(cardFd, width, height, fourcc, handles, pitches, offsets, &fb.id_, 0) < 0)
		return Error::fromErrno(errno, "AddFB2 of " + what);
	return fb;
}

void Framebuffer::reset() noexcept
{
	if (id_)
		drmModeRmFB(cardFd_, id_);
	id_ = 0;
	cardFd_ = -1;
	for (GemHandle &handle : handles_)
		handle.reset();
}

} /* namespace primecam */
