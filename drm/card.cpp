/* SPDX-License-Identifier: MIT */
#include "drm/card.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <vector>
#include <xf86drm.h>

namespace primecam {

namespace {

std::vector<std::string> cardNodes()
{
	std::vector<std::string> nodes;
	DIR *dir = ::opendir("/dev/dri");
	if (!dir)
		return nodes;
	while (struct dirent *entry = ::readdir(dir)) {
		std::string_view name = entry->d_name;
		if (name.starts_with("card"))
			nodes.push_back("/dev/dri/" + std::string(name));
	}
	::closedir(dir);
	std::sort(nodes.begin(), nodes.end(), [](const std::string &a, const std::string &b) {
		return a.size() != b.size() ? a.size() < b.size() : a < b;
	});
	return nodes;
}

} /* namespace */

Result<Card> Card::open(const std::string &path)
{
	Card card;
	card.path_ = path;
	card.fd_.reset(::open(path.c_str(), O_RDWR | O_CLOEXEC));
	if (!card.fd_)
		return Error::fromErrno(errno, "opening DRM card " + path);
	drmVersionPtr version = drmGetVersion(card.fd_.get());
	if (!version)
		return Error::fromErrno(errno ? errno : ENODEV,
					"DRM_IOCTL_VERSION on " + path + " (not a DRM device?)");
	card.driver_.assign(version->name, static_cast<size_t>(version->name_len));
	drmFreeVersion(version);
	return card;
}

Result<Card> Card::openByDriver(std::string_view driver)
{
	std::string seen;
	for (const std::string &node : cardNodes()) {
		Result<Card> card = open(node);
		if (!card)
			continue;
		if (card->driver() == driver)
			return card;
		seen += (seen.empty() ? "" : ", ") + node + " (" + card->driver() + ")";
	}
	return Error{ENODEV, "no DRM card with driver '" + std::string(driver) +
				     "'; found: " + (seen.empty() ? "none" : seen)};
}

Result<void> Card::enableAtomic(bool writeback)
{
	const std::pair<uint64_t, const char *> caps[] = {
		{DRM_CLIENT_CAP_UNIVERSAL_PLANES, "DRM_CLIENT_CAP_UNIVERSAL_PLANES"},
		{DRM_CLIENT_CAP_ATOMIC, "DRM_CLIENT_CAP_ATOMIC"},
		{DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, "DRM_CLIENT_CAP_WRITEBACK_CONNECTORS"},
	};
	for (auto [cap, name] : caps) {
		if (cap == DRM_CLIENT_CAP_WRITEBACK_CONNECTORS && !writeback)
			continue;
		if (drmSetClientCap(fd_.get(), cap, 1) < 0)
			return Error::fromErrno(errno, std::string(name) + " on " + path_ + " (" +
							       driver_ + ")");
	}
	return {};
}

bool Card::isMaster() const
{
	return drmIsMaster(fd_.get());
}

} /* namespace primecam */
