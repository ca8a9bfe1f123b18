/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "drm/gem_handle_table.h"
#include "pipeline/frame.h"

namespace primecam {

/*
 * A KMS framebuffer (DRM_IOCTL_MODE_ADDFB2): the card's description of a
 * buffer as pixels (format, size, and per colour plane a GEM handle, offset,
 * stride and modifier). Move-only; removes itself (RMFB) on destruction and
 * then lets go of its GEM handle references, in that order: the framebuffer
 * holds the GEM objects, not the handles, but a handle closed first could be
 * reused by the next import while the id still names the old memory.
 */
class Framebuffer
{
public:
	Framebuffer() = default;
	~Framebuffer() { reset(); }
	Framebuffer(Framebuffer &&other) noexcept;
	Framebuffer &operator=(Framebuffer &&other) noexcept;
	Framebuffer(const Framebuffer &) = delete;
	Framebuffer &operator=(const Framebuffer &) = delete;

	/*
	 * Imports each colour plane's dma-buf through table (one handle per
	 * distinct buffer, shared) and adds a framebuffer with the planes'
	 * offsets and strides as the producer reported them. modifiers: the
	 * card has DRM_CAP_ADDFB2_MODIFIERS; without it only linear buffers
	 * can be described, and anything else is refused.
	 */
	static Result<Framebuffer> import(int cardFd, GemHandleTable &table,
					  const FrameBuffer &buffer, bool modifiers,
					  const std::string &cardName);

	/* A linear single-plane framebuffer over a handle the caller keeps
	 * open for as long as this lives (a dumb buffer of the card). */
	static Result<Framebuffer> wrap(int cardFd, uint32_t handle, uint32_t fourcc,
					uint32_t width, uint32_t height, uint32_t pitch,
					const std::string &what);

	uint32_t id() const { return id_; }
	explicit operator bool() const { return id_ != 0; }
	void reset() noexcept;

private:
	int cardFd_ = -1; /* not owned: the card outlives its framebuffers */
	uint32_t id_ = 0;
	std::array<GemHandle, 4> handles_;
};

} /* namespace primecam */
