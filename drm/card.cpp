/* SPDX-License-Identifier: MIT */
#include "drm/card.h"

#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <xf86drm.h>

#include "base/device_nodes.h"

namespace primecam {

Result<Card> Card::openNode(const std::string &path)
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
	struct stat st;
	if (::fstat(card.fd_.get(), &st) < 0)
		return Error::fromErrno(errno, "fstat of DRM card " + path);
	card.minor_ = ::minor(st.st_rdev);
	return card;
}

Result<Card> Card::open(const std::string &path, Role role)
{
	Result<Card> card = openNode(path);
	if (!card)
		return card;
	Result<void> ret = card->applyRole(role);
	if (!ret)
		return std::move(ret).error();
	return card;
}

Result<Card> Card::openByDriver(std::string_view driver, Role role)
{
	std::string seen;
	/* Sysfs names each card's driver: the matching card is opened first,
	 * and normally alone (base/device_nodes.h). */
	for (const DeviceNode &node :
	     orderForDriver(listDeviceNodes("drm", "card", "dri"), driver)) {
		/* The role applies to the card that matches; the others are
		 * closed again at once, and with them any master they got. */
		Result<Card> card = openNode(node.path);
		if (!card)
			continue;
		if (card->driver() == driver) {
			Result<void> ret = card->applyRole(role);
			if (!ret)
				return std::move(ret).error();
			return card;
		}
		seen += (seen.empty() ? "" : ", ") + node.path + " (" + card->driver() + ")";
	}
	return Error{ENODEV, "no DRM card with driver '" + std::string(driver) +
				     "'; found: " + (seen.empty() ? "none" : seen)};
}

Result<Card> Card::openByName(const std::string &name, Role role)
{
	if (name.starts_with("/"))
		return open(name, role);
	return openByDriver(name, role);
}

std::string Card::describe() const
{
	return path_ + " (" + driver_ + ")";
}

Result<void> Card::applyRole(Role role)
{
	if (role == Role::Display)
		return acquireMaster();
	if (isMaster() && drmDropMaster(fd_.get()) < 0)
		return Error::fromErrno(errno, "dropping DRM master on " + describe() +
						       " (opened for buffers only)");
	return {};
}

Result<uint64_t> Card::capability(uint64_t cap, std::string_view name) const
{
	uint64_t value = 0;
	if (drmGetCap(fd_.get(), cap, &value) < 0)
		return Error::fromErrno(errno, std::string(name) + " on " + describe());
	return value;
}

Result<void> Card::acquireMaster()
{
	if (isMaster())
		return {};
	if (drmSetMaster(fd_.get()) < 0)
		return Error::fromErrno(errno,
					"cannot become DRM master of " + describe() +
						": another client, such as a compositor, holds "
						"the display");
	return {};
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
