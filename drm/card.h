/* SPDX-License-Identifier: MIT */
#pragma once

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
	static Result<Card> open(const std::string &path);
	/* The first card whose driver is `driver`; the error lists what exists. */
	static Result<Card> openByDriver(std::string_view driver);

	int fd() const { return fd_.get(); }
	const std::string &path() const { return path_; }
	const std::string &driver() const { return driver_; }

	/*
	 * Atomic modesetting and universal planes (the primary plane appears as
	 * a plane), plus writeback connectors when asked for: the kernel hides
	 * writeback connectors from clients that did not opt in, because legacy
	 * clients would try to light them up as displays.
	 */
	Result<void> enableAtomic(bool writeback);

	bool isMaster() const;

private:
	UniqueFd fd_;
	std::string path_;
	std::string driver_;
};

} /* namespace primecam */
