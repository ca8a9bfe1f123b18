/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * A DRM card node (/dev/dri/cardN: the primary node, the one that can do
 * modesetting; render nodes cannot). Like video nodes, cards are found by
 * driver name: the cardN numbering follows probe order.
 */
class Card
{
public:
	/*
	 * What the opener will do with the card. The kernel makes the first
	 * opener of a card its DRM master (the one client allowed to change
	 * what the display shows), whatever it opened the card for. A card
	 * opened only for buffers (dumb allocation, PRIME import or export)
	 * gives master up at once, or a display sink of the same process,
	 * opening the card after it, could never take the display. A card
	 * opened for the display takes master, and says clearly when another
	 * client holds it.
	 */
	enum class Role {
		Buffers,
		Display
	};

	static Result<Card> open(const std::string &path, Role role = Role::Buffers);
	/* The first card whose driver is `driver`; the error lists what exists. */
	static Result<Card> openByDriver(std::string_view driver, Role role = Role::Buffers);
	/* A path ("/dev/dri/card0") or else a driver name ("vkms"). */
	static Result<Card> openByName(const std::string &name, Role role = Role::Buffers);

	int fd() const { return fd_.get(); }
	const std::string &path() const { return path_; }
	const std::string &driver() const { return driver_; }
	/* "/dev/dri/card0 (vkms)", for messages. */
	std::string describe() const;
	/* The device minor: N of /sys/kernel/debug/dri/N. */
	unsigned minor() const { return minor_; }

	/*
	 * Atomic modesetting and universal planes (the primary plane appears as
	 * a plane), plus writeback connectors when asked for: the kernel hides
	 * writeback connectors from clients that did not opt in, because legacy
	 * clients would try to light them up as displays.
	 */
	Result<void> enableAtomic(bool writeback);

	/* DRM_IOCTL_GET_CAP: the value of a DRM_CAP_*, or the errno naming it. */
	Result<uint64_t> capability(uint64_t cap, std::string_view name) const;

	bool isMaster() const;
	/*
	 * Becomes DRM master if not already (SET_MASTER succeeds only while no
	 * other open file of the card is master). Fails with a message that
	 * names the card and says that another client holds the display.
	 */
	Result<void> acquireMaster();

private:
	/* Opens and identifies the node, without applying a role. */
	static Result<Card> openNode(const std::string &path);
	Result<void> applyRole(Role role);

	UniqueFd fd_;
	std::string path_;
	std::string driver_;
	unsigned minor_ = 0;
};

} /* namespace primecam */
