/* SPDX-License-Identifier: MIT */
#include "drm/kms_resources.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>

#include <xf86drm.h>

#include "drm/card.h"

namespace primecam {

const KmsProperty *KmsPropertyList::find(std::string_view name) const
{
	for (const KmsProperty &prop : properties)
		if (prop.name == name)
			return &prop;
	return nullptr;
}

uint32_t KmsPropertyList::id(std::string_view name) const
{
	const KmsProperty *prop = find(name);
	return prop ? prop->id : 0;
}

std::optional<uint64_t> KmsProperty::enumValue(std::string_view entry) const
{
	for (const EnumEntry &e : enums)
		if (e.name == entry)
			return e.value;
	return std::nullopt;
}

std::string KmsProperty::enumNames() const
{
	std::string text;
	for (const EnumEntry &e : enums)
		text += (text.empty() ? "" : ", ") + e.name;
	return text.empty() ? "none" : text;
}

uint64_t KmsPropertyList::value(std::string_view name, uint64_t fallback) const
{
	const KmsProperty *prop = find(name);
	return prop ? prop->value : fallback;
}

bool canShareCrtc(const KmsConnector &a, const KmsConnector &b)
{
	return (a.possibleClones & b.encoderMask) && (b.possibleClones & a.encoderMask);
}

bool KmsPlane::supports(uint32_t format, uint64_t modifier) const
{
	for (const FormatModifier &pair : formatModifiers)
		if (pair.format == format && pair.modifier == modifier)
			return true;
	return false;
}

const char *planeTypeName(KmsPlane::Type type)
{
	switch (type) {
	case KmsPlane::Type::Primary:
		return "primary";
	case KmsPlane::Type::Overlay:
		return "overlay";
	case KmsPlane::Type::Cursor:
		return "cursor";
	}
	return "unknown";
}

std::string KmsPlane::describe() const
{
	return "plane " + std::to_string(id) + " (" + planeTypeName(type) + ")";
}

namespace {

template<typename T, void (*Free)(T *)>
struct Deleter {
	void operator()(T *p) const { Free(p); }
};
using ObjectProperties =
	std::unique_ptr<drmModeObjectProperties,
			Deleter<drmModeObjectProperties, drmModeFreeObjectProperties>>;
using Blob = std::unique_ptr<drmModePropertyBlobRes,
			     Deleter<drmModePropertyBlobRes, drmModeFreePropertyBlob>>;
using Resources = std::unique_ptr<drmModeRes, Deleter<drmModeRes, drmModeFreeResources>>;
using PlaneResources =
	std::unique_ptr<drmModePlaneRes, Deleter<drmModePlaneRes, drmModeFreePlaneResources>>;
using Connector =
	std::unique_ptr<drmModeConnector, Deleter<drmModeConnector, drmModeFreeConnector>>;
using Encoder = std::unique_ptr<drmModeEncoder, Deleter<drmModeEncoder, drmModeFreeEncoder>>;
using Crtc = std::unique_ptr<drmModeCrtc, Deleter<drmModeCrtc, drmModeFreeCrtc>>;
using Plane = std::unique_ptr<drmModePlane, Deleter<drmModePlane, drmModeFreePlane>>;

/*
 * Property names by id, for one query of a card. DRM creates most
 * properties once per device and attaches the same object to every plane,
 * CRTC or connector (FB_ID, CRTC_ID, SRC_*, type, IN_FORMATS...), so a card
 * with ten planes has a few dozen distinct properties, not hundreds: each
 * name is asked for once. Start-up on a slow CPU (or under emulation) pays
 * for every ioctl.
 */
class PropertyNames
{
public:
	/* What one property id is: its name, and its entries when it is one
	 * of kEnumsRead. */
	struct Known {
		std::string name;
		std::vector<KmsProperty::EnumEntry> enums;
	};

	explicit PropertyNames(const Card &card) : card_(card) {}

	Result<const Known *> lookUp(uint32_t id, const std::string &what)
	{
		auto it = known_.find(id);
		if (it != known_.end())
			return &it->second;
		/* Zero value and enum counts: GETPROPERTY copies the name and
		 * flags only, in one call (drmModeGetProperty makes two and
		 * copies every enum value). */
		drm_mode_get_property prop = {};
		prop.prop_id = id;
		if (drmIoctl(card_.fd(), DRM_IOCTL_MODE_GETPROPERTY, &prop) < 0)
			return failed(id, what);
		prop.name[DRM_PROP_NAME_LEN - 1] = '\0';
		Known known{prop.name, {}};
		if (std::ranges::find(kEnumsRead, known.name) != std::end(kEnumsRead) &&
		    (prop.flags & DRM_MODE_PROP_ENUM) && prop.count_enum_blobs > 0) {
			/* The second call copies the entries into the array. */
			std::vector<drm_mode_property_enum> entries(prop.count_enum_blobs);
			prop.count_values = 0;
			prop.enum_blob_ptr = reinterpret_cast<uintptr_t>(entries.data());
			if (drmIoctl(card_.fd(), DRM_IOCTL_MODE_GETPROPERTY, &prop) < 0)
				return failed(id, what);
			entries.resize(std::min<size_t>(entries.size(), prop.count_enum_blobs));
			for (drm_mode_property_enum &e : entries) {
				e.name[DRM_PROP_NAME_LEN - 1] = '\0';
				known.enums.push_back({e.name, e.value});
			}
		}
		return &known_.emplace(id, std::move(known)).first->second;
	}

private:
	Error failed(uint32_t id, const std::string &what) const
	{
		return Error::fromErrno(errno, "property " + std::to_string(id) + " of " + what +
						       " on " + card_.describe());
	}

	const Card &card_;
	std::unordered_map<uint32_t, Known> known_;
};

Result<KmsPropertyList> queryProperties(const Card &card, PropertyNames &names, uint32_t id,
					uint32_t type, const std::string &what)
{
	ObjectProperties props(drmModeObjectGetProperties(card.fd(), id, type));
	if (!props)
		return Error::fromErrno(errno, "properties of " + what + " on " + card.describe());
	KmsPropertyList list;
	list.properties.reserve(props->count_props);
	for (uint32_t i = 0; i < props->count_props; ++i) {
		Result<const PropertyNames::Known *> known = names.lookUp(props->props[i], what);
		if (!known)
			return std::move(known).error();
		list.properties.push_back(
			{(*known)->name, props->props[i], props->prop_values[i], (*known)->enums});
	}
	return list;
}

Result<std::vector<uint8_t>> blobData(const Card &card, uint64_t blobId, const std::string &what)
{
	Blob blob(drmModeGetPropertyBlob(card.fd(), static_cast<uint32_t>(blobId)));
	if (!blob)
		return Error::fromErrno(errno, what + " blob " + std::to_string(blobId) + " on " +
						       card.describe());
	const auto *data = static_cast<const uint8_t *>(blob->data);
	return std::vector<uint8_t>(data, data + blob->length);
}

std::string connectorName(const drmModeConnector &conn)
{
	const char *type = drmModeGetConnectorTypeName(conn.connector_type);
	return std::string(type ? type : "Unknown") + "-" + std::to_string(conn.connector_type_id);
}

} /* namespace */

KmsResources KmsResources::fromParts(std::vector<KmsConnector> connectors,
				     std::vector<KmsCrtc> crtcs, std::vector<KmsPlane> planes)
{
	KmsResources out;
	out.connectors_ = std::move(connectors);
	out.crtcs_ = std::move(crtcs);
	out.planes_ = std::move(planes);
	return out;
}

Result<KmsResources> KmsResources::query(const Card &card)
{
	Resources res(drmModeGetResources(card.fd()));
	if (!res)
		return Error::fromErrno(errno, "GETRESOURCES on " + card.describe() +
						       " (not a KMS device?)");
	KmsResources out;
	PropertyNames names(card);

	for (int i = 0; i < res->count_crtcs; ++i) {
		KmsCrtc crtc;
		crtc.id = res->crtcs[i];
		crtc.index = static_cast<unsigned>(i);
		std::string what = "CRTC " + std::to_string(crtc.id);
		Crtc info(drmModeGetCrtc(card.fd(), crtc.id));
		if (!info)
			return Error::fromErrno(errno, what + " on " + card.describe());
		crtc.modeValid = info->mode_valid;
		crtc.mode = info->mode;
		auto props = queryProperties(card, names, crtc.id, DRM_MODE_OBJECT_CRTC, what);
		if (!props)
			return std::move(props).error();
		crtc.properties = std::move(*props);
		out.crtcs_.push_back(std::move(crtc));
	}

	for (int i = 0; i < res->count_connectors; ++i) {
		uint32_t id = res->connectors[i];
		/* GETCONNECTOR (not _CURRENT): it probes, which is what fills
		 * the mode list on the first query after boot. */
		Connector conn(drmModeGetConnector(card.fd(), id));
		if (!conn)
			return Error::fromErrno(errno, "connector " + std::to_string(id) + " on " +
							       card.describe());
		KmsConnector c;
		c.id = id;
		c.name = connectorName(*conn);
		c.type = conn->connector_type;
		c.connection = conn->connection;
		c.writeback = conn->connector_type == DRM_MODE_CONNECTOR_WRITEBACK;
		c.modes.assign(conn->modes, conn->modes + conn->count_modes);
		for (int e = 0; e < conn->count_encoders; ++e) {
			for (int k = 0; k < res->count_encoders; ++k)
				if (res->encoders[k] == conn->encoders[e])
					c.encoderMask |= 1u << k;
			Encoder enc(drmModeGetEncoder(card.fd(), conn->encoders[e]));
			if (!enc)
				return Error::fromErrno(
					errno, "encoder " + std::to_string(conn->encoders[e]) +
						       " of " + c.name + " on " + card.describe());
			c.possibleCrtcs |= enc->possible_crtcs;
			c.possibleClones |= enc->possible_clones;
		}
		auto props = queryProperties(card, names, id, DRM_MODE_OBJECT_CONNECTOR, c.name);
		if (!props)
			return std::move(props).error();
		c.properties = std::move(*props);
		if (const KmsProperty *wb = c.properties.find("WRITEBACK_PIXEL_FORMATS");
		    wb && wb->value) {
			auto data = blobData(card, wb->value, c.name + " WRITEBACK_PIXEL_FORMATS");
			if (!data)
				return std::move(data).error();
			c.writebackFormats.resize(data->size() / sizeof(uint32_t));
			if (!c.writebackFormats.empty())
				std::memcpy(c.writebackFormats.data(), data->data(),
					    c.writebackFormats.size() * sizeof(uint32_t));
		}
		out.connectors_.push_back(std::move(c));
	}

	PlaneResources planes(drmModeGetPlaneResources(card.fd()));
	if (!planes)
		return Error::fromErrno(errno, "GETPLANERESOURCES on " + card.describe());
	for (uint32_t i = 0; i < planes->count_planes; ++i) {
		KmsPlane p;
		p.id = planes->planes[i];
		std::string what = "plane " + std::to_string(p.id);
		Plane info(drmModeGetPlane(card.fd(), p.id));
		if (!info)
			return Error::fromErrno(errno, what + " on " + card.describe());
		p.possibleCrtcs = info->possible_crtcs;
		p.crtcId = info->crtc_id;
		p.fbId = info->fb_id;
		p.formats.assign(info->formats, info->formats + info->count_formats);
		auto props = queryProperties(card, names, p.id, DRM_MODE_OBJECT_PLANE, what);
		if (!props)
			return std::move(props).error();
		p.properties = std::move(*props);
		/* Without universal planes every plane reports "type" overlay
		 * (or has none); KmsSink sets the cap before querying. */
		p.type = static_cast<KmsPlane::Type>(
			p.properties.value("type", DRM_PLANE_TYPE_OVERLAY));
		if (const KmsProperty *in = p.properties.find("IN_FORMATS"); in && in->value) {
			auto data = blobData(card, in->value, what + " IN_FORMATS");
			if (!data)
				return std::move(data).error();
			auto pairs = parseInFormats(*data);
			if (!pairs)
				return Error{pairs.error().code, what + " on " + card.describe() +
									 ": " +
									 pairs.error().message};
			p.formatModifiers = std::move(*pairs);
			p.hasInFormats = true;
		} else {
			p.formatModifiers = linearFormats(p.formats);
		}
		out.planes_.push_back(std::move(p));
	}
	return out;
}

const KmsConnector *KmsResources::connector(uint32_t id) const
{
	for (const KmsConnector &c : connectors_)
		if (c.id == id)
			return &c;
	return nullptr;
}

const KmsCrtc *KmsResources::crtc(uint32_t id) const
{
	for (const KmsCrtc &c : crtcs_)
		if (c.id == id)
			return &c;
	return nullptr;
}

const KmsPlane *KmsResources::plane(uint32_t id) const
{
	for (const KmsPlane &p : planes_)
		if (p.id == id)
			return &p;
	return nullptr;
}

} /* namespace primecam */
