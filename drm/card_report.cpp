/* SPDX-License-Identifier: MIT */
#include "drm/card_report.h"

#include <algorithm>
#include <cerrno>

#include <xf86drm.h>

#include "drm/card.h"
#include "drm/kms_output.h"
#include "drm/kms_resources.h"

namespace primecam {

namespace {

const char *connectionName(drmModeConnection connection)
{
	switch (connection) {
	case DRM_MODE_CONNECTED:
		return "connected";
	case DRM_MODE_DISCONNECTED:
		return "disconnected";
	default:
		return "unknown";
	}
}

std::string hex(uint32_t mask)
{
	char text[16];
	std::snprintf(text, sizeof(text), "0x%x", mask);
	return text;
}

} /* namespace */

Result<std::string> describeCard(const Card &card)
{
	for (auto [cap, name] : {std::pair{DRM_CLIENT_CAP_UNIVERSAL_PLANES, "universal planes"},
				 std::pair{DRM_CLIENT_CAP_ATOMIC, "atomic"}})
		if (drmSetClientCap(card.fd(), cap, 1) < 0)
			return Error::fromErrno(errno, std::string("the ") + name +
							       " client cap on " + card.describe());
	/* Writeback connectors exist on few cards and kernels before 4.19
	 * lack the cap: the report then says that none can be shown. */
	bool writebackCap = drmSetClientCap(card.fd(), DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0;

	/*
	 * The kernel probes connectors (status, mode list) only for the DRM
	 * master; for anyone else GETCONNECTOR returns what the last probe
	 * found, which after boot is nothing. Take master for the query when
	 * nobody holds it, and give it back: listing must not keep the
	 * display from the client that will use it.
	 */
	bool wasMaster = drmIsMaster(card.fd());
	bool tookMaster = !wasMaster && drmSetMaster(card.fd()) == 0;
	auto res = KmsResources::query(card);
	if (tookMaster)
		drmDropMaster(card.fd());
	if (!res)
		return std::move(res).error();

	std::string out = card.describe() + "\n";
	if (!wasMaster && !tookMaster)
		out += "  (another client holds DRM master: connector status and modes are "
		       "as it last probed them)\n";
	out += "  connectors:\n";
	for (const KmsConnector &c : res->connectors()) {
		if (c.writeback)
			continue;
		out += "    " + c.name + " (id " + std::to_string(c.id) +
		       "): " + connectionName(c.connection);
		if (uint64_t crtc = c.properties.value("CRTC_ID"))
			out += ", on CRTC " + std::to_string(crtc);
		out += ", " + std::to_string(c.modes.size()) + " modes";
		std::vector<std::string> seen;
		for (const drmModeModeInfo &mode : c.modes) {
			std::string name = modeName(mode);
			if (std::find(seen.begin(), seen.end(), name) != seen.end())
				continue;
			out += (seen.empty() ? ": " : ", ") + name;
			if (mode.type & DRM_MODE_TYPE_PREFERRED)
				out += " (preferred)";
			seen.push_back(name);
		}
		out += "\n";
	}

	out += "  writeback connectors:";
	if (!writebackCap)
		out += " unknown (the kernel lacks DRM_CLIENT_CAP_WRITEBACK_CONNECTORS)";
	bool anyWriteback = false;
	for (const KmsConnector &c : res->connectors()) {
		if (!c.writeback)
			continue;
		anyWriteback = true;
		out += "\n    " + c.name + " (id " + std::to_string(c.id) + "): CRTCs " +
		       hex(c.possibleCrtcs) + ", formats " + formatList(c.writebackFormats);
	}
	out += writebackCap && !anyWriteback ? " none\n" : "\n";

	out += "  CRTCs:\n";
	for (const KmsCrtc &crtc : res->crtcs()) {
		out += "    CRTC " + std::to_string(crtc.id) + " (index " +
		       std::to_string(crtc.index) + "): ";
		out += crtc.properties.value("ACTIVE") && crtc.modeValid
			       ? "active, " + modeName(crtc.mode)
			       : std::string("off");
		out += "\n";
	}

	out += "  planes:\n";
	for (const KmsPlane &plane : res->planes()) {
		out += "    " + plane.describe() + ": CRTCs " + hex(plane.possibleCrtcs);
		out += plane.crtcId ? ", on CRTC " + std::to_string(plane.crtcId) + " showing FB " +
					      std::to_string(plane.fbId)
				    : std::string(", off");
		out += "\n      formats: " + formatList(plane.formats) + "\n";
		std::vector<uint64_t> modifiers;
		for (const FormatModifier &pair : plane.formatModifiers)
			if (std::find(modifiers.begin(), modifiers.end(), pair.modifier) ==
			    modifiers.end())
				modifiers.push_back(pair.modifier);
		out += "      modifiers";
		out += plane.hasInFormats ? " (IN_FORMATS): " : " (no IN_FORMATS, so linear): ";
		for (size_t i = 0; i < modifiers.size(); ++i)
			out += (i ? ", " : "") + modifierName(modifiers[i]);
		out += "\n";
	}
	return out;
}

} /* namespace primecam */
