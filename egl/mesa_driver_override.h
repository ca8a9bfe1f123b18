/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

namespace primecam {

/*
 * Names Mesa's driver for a card with no GPU behind it while its GBM device
 * and EGL display are created. For a virtual card (vkms, vgem) Mesa's
 * loader first looks for a hardware driver of the kernel driver's name,
 * fails, says so on stderr ("MESA-LOADER: failed to open vkms", "failed to
 * load driver: vkms", "kmsro: driver missing": GBM's loader and gallium's
 * driver stubs print unconditionally, whatever EGL_LOG_LEVEL says), and only
 * then takes kms_swrast, the one driver it has for such a card.
 * MESA_LOADER_DRIVER_OVERRIDE, Mesa's documented variable for the driver to
 * load, makes it take kms_swrast at once: the same renderer, without the
 * failed attempt.
 *
 * Only for those kernel drivers, only while primecam keeps the libraries
 * quiet (`-v` lets Mesa do as it would), and never over a value the user
 * set; the variable is removed again when this goes, so that the next
 * card, maybe a real GPU, gets Mesa's own choice.
 */
class MesaDriverOverride
{
public:
	explicit MesaDriverOverride(const std::string &kernelDriver);
	~MesaDriverOverride();

	MesaDriverOverride(const MesaDriverOverride &) = delete;
	MesaDriverOverride &operator=(const MesaDriverOverride &) = delete;

	bool active() const { return set_; }

private:
	bool set_ = false;
};

} /* namespace primecam */
