/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xf86drmMode.h>

#include "base/result.h"
#include "drm/format_modifiers.h"

namespace primecam {

class Card;

/* One property of a KMS object: atomic commits address it by id. */
struct KmsProperty {
	/* An enum property's value and the name the kernel gives it. */
	struct EnumEntry {
		std::string name;
		uint64_t value = 0;
	};

	std::string name;
	uint32_t id = 0;
	uint64_t value = 0; /* the current value when the card was queried */
	/* Only for the enum properties primecam sets by name (kEnumsRead):
	 * asking every property for its entries would cost an ioctl each. */
	std::vector<EnumEntry> enums;

	/* The value of the entry called name, if there is one. */
	std::optional<uint64_t> enumValue(std::string_view entry) const;
	/* "ITU-R BT.601 YCbCr, ITU-R BT.709 YCbCr" */
	std::string enumNames() const;
};

/* The enum properties whose entries KmsResources::query reads: a plane's
 * YUV-to-RGB conversion (drm_plane_create_color_properties()). */
inline constexpr const char *kEnumsRead[] = {"COLOR_ENCODING", "COLOR_RANGE"};

/* The properties of one KMS object, looked up by name. */
struct KmsPropertyList {
	std::vector<KmsProperty> properties;

	const KmsProperty *find(std::string_view name) const;
	/* The property id, 0 when the object has no such property. */
	uint32_t id(std::string_view name) const;
	uint64_t value(std::string_view name, uint64_t fallback = 0) const;
};

struct KmsConnector {
	uint32_t id = 0;
	std::string name; /* "Virtual-1", "Writeback-1": type name and type index */
	uint32_t type = 0;
	drmModeConnection connection = DRM_MODE_UNKNOWNCONNECTION;
	bool writeback = false;
	std::vector<drmModeModeInfo> modes;
	uint32_t possibleCrtcs = 0; /* bit i: CRTC index i, through any encoder */
	/* Bit i: encoder index i is one of this connector's encoders. */
	uint32_t encoderMask = 0;
	/* The encoders these can share a CRTC with (their possible_clones). */
	uint32_t possibleClones = 0;
	std::vector<uint32_t> writebackFormats; /* WRITEBACK_PIXEL_FORMATS */
	KmsPropertyList properties;
};

/* Whether a and b can be on one CRTC at once: the kernel refuses a CRTC
 * whose encoders are not all possible clones of each other. */
bool canShareCrtc(const KmsConnector &a, const KmsConnector &b);

struct KmsCrtc {
	uint32_t id = 0;
	unsigned index = 0; /* the bit of possible_crtcs masks */
	bool modeValid = false;
	drmModeModeInfo mode = {};
	KmsPropertyList properties;
};

struct KmsPlane {
	enum class Type {
		Overlay = DRM_PLANE_TYPE_OVERLAY,
		Primary = DRM_PLANE_TYPE_PRIMARY,
		Cursor = DRM_PLANE_TYPE_CURSOR
	};

	uint32_t id = 0;
	Type type = Type::Overlay;
	uint32_t possibleCrtcs = 0;
	uint32_t crtcId = 0; /* the CRTC it is on now (0: off) */
	uint32_t fbId = 0;
	std::vector<uint32_t> formats;
	/* From IN_FORMATS when the plane has it, else the formats as linear. */
	std::vector<FormatModifier> formatModifiers;
	bool hasInFormats = false;
	KmsPropertyList properties;

	bool supports(uint32_t format, uint64_t modifier) const;
	/* "plane 31 (primary)" */
	std::string describe() const;
};

const char *planeTypeName(KmsPlane::Type type);

/*
 * A snapshot of a card's connectors, CRTCs and planes with their properties,
 * queried once at configure time (each property is an ioctl). Needs the
 * atomic client caps set on the card (universal planes to see the primary
 * and cursor planes, writeback to see writeback connectors).
 */
class KmsResources
{
public:
	static Result<KmsResources> query(const Card &card);
	/* A snapshot made up by a test, with no card behind it. */
	static KmsResources fromParts(std::vector<KmsConnector> connectors,
				      std::vector<KmsCrtc> crtcs, std::vector<KmsPlane> planes);

	const std::vector<KmsConnector> &connectors() const { return connectors_; }
	const std::vector<KmsCrtc> &crtcs() const { return crtcs_; }
	const std::vector<KmsPlane> &planes() const { return planes_; }

	const KmsConnector *connector(uint32_t id) const;
	const KmsCrtc *crtc(uint32_t id) const;
	const KmsPlane *plane(uint32_t id) const;

private:
	std::vector<KmsConnector> connectors_;
	std::vector<KmsCrtc> crtcs_;
	std::vector<KmsPlane> planes_;
};

} /* namespace primecam */
