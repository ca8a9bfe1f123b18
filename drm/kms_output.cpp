/* SPDX-License-Identifier: MIT */
#include "drm/kms_output.h"

#include <algorithm>
#include <cerrno>
#include <cmath>

#include <drm_fourcc.h>
#include <xf86drm.h>

namespace primecam {

std::string modeName(const drmModeModeInfo &mode)
{
	return std::to_string(mode.hdisplay) + "x" + std::to_string(mode.vdisplay) + "@" +
	       std::to_string(mode.vrefresh);
}

std::string formatList(std::span<const uint32_t> formats)
{
	std::string text;
	for (uint32_t fourcc : formats) {
		const PixelFormatInfo *info = formatByDrm(fourcc);
		text += (text.empty() ? "" : ", ") +
			(info ? std::string(info->name) : fourccToString(fourcc));
	}
	return text.empty() ? "none" : text;
}

namespace {

std::string modeList(std::span<const drmModeModeInfo> modes)
{
	std::vector<std::string> names;
	for (const drmModeModeInfo &mode : modes) {
		std::string name = modeName(mode);
		if (std::find(names.begin(), names.end(), name) == names.end())
			names.push_back(name);
	}
	std::string text;
	for (const std::string &name : names)
		text += (text.empty() ? "" : ", ") + name;
	return text.empty() ? "none" : text;
}

/* What a plane can scan out, for messages: its formats, and the modifiers
 * when they are not all linear. */
std::string supportedList(const KmsPlane &plane)
{
	std::vector<uint32_t> formats;
	std::vector<uint64_t> modifiers;
	for (const FormatModifier &pair : plane.formatModifiers) {
		if (std::find(formats.begin(), formats.end(), pair.format) == formats.end())
			formats.push_back(pair.format);
		if (std::find(modifiers.begin(), modifiers.end(), pair.modifier) == modifiers.end())
			modifiers.push_back(pair.modifier);
	}
	std::string text = formatList(formats);
	text += " (modifiers: ";
	for (size_t i = 0; i < modifiers.size(); ++i)
		text += (i ? ", " : "") + modifierName(modifiers[i]);
	return text + ")";
}

std::string frameName(const KmsOutput::FrameFormat &frame)
{
	return std::string(frame.format->name) + " " + std::to_string(frame.width) + "x" +
	       std::to_string(frame.height) +
	       (frame.modifier == DRM_FORMAT_MOD_LINEAR
			? ""
			: " (" + modifierName(frame.modifier) + ")");
}

bool onCrtc(uint32_t possible, const KmsCrtc &crtc)
{
	return possible & (1u << crtc.index);
}

/* Properties a plane needs for primecam to place it. */
constexpr const char *kPlaneProps[] = {"FB_ID", "CRTC_ID", "SRC_X",  "SRC_Y",  "SRC_W",
				       "SRC_H", "CRTC_X",  "CRTC_Y", "CRTC_W", "CRTC_H"};

Result<void> checkPlaneProperties(const KmsPlane &plane, const std::string &cardName)
{
	for (const char *name : kPlaneProps)
		if (!plane.properties.id(name))
			return Error{ENOTSUP, cardName + ": " + plane.describe() +
						      " has no atomic property " + name};
	return {};
}

/* The plane of the kind the config asks for on crtc, or why there is none. */
bool taken(const KmsOutput::Sharing *sharing, const KmsPlane &plane)
{
	return sharing && std::find(sharing->takenPlanes.begin(), sharing->takenPlanes.end(),
				    plane.id) != sharing->takenPlanes.end();
}

/* A display with too few planes of a kind for its sinks: the counts, and
 * what would work. */
Error tooFewPlanes(const KmsResources &res, const KmsCrtc &crtc, KmsPlane::Type type,
		   const KmsOutput::Sharing &sharing, const std::string &cardName)
{
	size_t ofType = 0, overlays = 0;
	for (const KmsPlane &plane : res.planes()) {
		if (!onCrtc(plane.possibleCrtcs, crtc))
			continue;
		ofType += plane.type == type;
		overlays += plane.type == KmsPlane::Type::Overlay;
	}
	return Error{ENOSPC,
		     cardName + ": " + std::to_string(sharing.sinks) + " kms sinks share CRTC " +
			     std::to_string(crtc.id) + ", which has " + std::to_string(ofType) +
			     " " + planeTypeName(type) + " plane" + (ofType == 1 ? "" : "s") +
			     ", all taken by the other sinks (" + std::to_string(overlays) +
			     " overlay planes in all, and one primary): " +
			     "use at most that many sinks of this plane kind, or make them all " +
			     "type = \"gl-kms\" with the same layout, which GL composes into one "
			     "buffer on one plane"};
}

Result<const KmsPlane *> choosePlane(const KmsResources &res, const KmsSinkConfig &config,
				     const KmsCrtc &crtc, const KmsOutput::FrameFormat &frame,
				     const std::string &cardName, const KmsOutput::Sharing *sharing)
{
	const uint32_t fourcc = frame.format->drm;
	std::string crtcName = "CRTC " + std::to_string(crtc.id);
	auto refuse = [&](const KmsPlane &plane) {
		return Error{EINVAL, cardName + ": " + plane.describe() + " cannot scan out " +
					     frameName(frame) + "; it supports " +
					     supportedList(plane)};
	};

	if (config.plane == KmsSinkConfig::Plane::Id) {
		const KmsPlane *plane = res.plane(config.planeId);
		if (!plane) {
			std::string ids;
			for (const KmsPlane &p : res.planes())
				ids += (ids.empty() ? "" : ", ") + p.describe();
			return Error{ENOENT, cardName + " has no plane " +
						     std::to_string(config.planeId) +
						     "; planes: " + ids};
		}
		if (!onCrtc(plane->possibleCrtcs, crtc))
			return Error{EINVAL, cardName + ": " + plane->describe() +
						     " cannot be used on " + crtcName};
		if (taken(sharing, *plane))
			return Error{EBUSY, cardName + ": " + plane->describe() +
						    " is already shown by another kms sink"};
		if (!plane->supports(fourcc, frame.modifier))
			return refuse(*plane);
		return plane;
	}

	const KmsPlane::Type type = config.plane == KmsSinkConfig::Plane::Primary
					    ? KmsPlane::Type::Primary
					    : KmsPlane::Type::Overlay;
	const KmsPlane *candidate = nullptr;
	bool anyTaken = false;
	for (const KmsPlane &plane : res.planes()) {
		if (plane.type != type || !onCrtc(plane.possibleCrtcs, crtc))
			continue;
		if (taken(sharing, plane)) {
			anyTaken = true;
			continue;
		}
		if (plane.supports(fourcc, frame.modifier))
			return &plane;
		if (!candidate)
			candidate = &plane;
	}
	if (candidate)
		return refuse(*candidate);
	if (anyTaken)
		return tooFewPlanes(res, crtc, type, *sharing, cardName);
	return Error{ENODEV,
		     cardName + " has no " + planeTypeName(type) + " plane for " + crtcName};
}

const KmsPlane *primaryOf(const KmsResources &res, const KmsCrtc &crtc)
{
	for (const KmsPlane &plane : res.planes())
		if (plane.type == KmsPlane::Type::Primary && onCrtc(plane.possibleCrtcs, crtc))
			return &plane;
	return nullptr;
}

} /* namespace */

Result<size_t> KmsOutput::selectMode(std::span<const drmModeModeInfo> modes,
				     std::string_view wanted, bool fullscreenPrimary,
				     uint32_t frameWidth, uint32_t frameHeight)
{
	std::optional<ModeRequest> mode;
	if (!wanted.empty()) {
		mode = ModeRequest::parse(wanted);
		if (!mode)
			return Error{EINVAL,
				     "mode '" + std::string(wanted) + "' is not WxH or WxH@R"};
	}
	return selectMode(modes, mode, fullscreenPrimary, frameWidth, frameHeight);
}

Result<size_t> KmsOutput::selectMode(std::span<const drmModeModeInfo> modes,
				     const std::optional<ModeRequest> &wanted,
				     bool fullscreenPrimary, uint32_t frameWidth,
				     uint32_t frameHeight)
{
	if (modes.empty())
		return Error{ENODEV, "the connector has no modes"};

	/* Among modes matching, the preferred one, else the first (drivers
	 * list modes best first). */
	auto pick = [&](auto matches) -> std::optional<size_t> {
		std::optional<size_t> first;
		for (size_t i = 0; i < modes.size(); ++i) {
			if (!matches(modes[i]))
				continue;
			if (modes[i].type & DRM_MODE_TYPE_PREFERRED)
				return i;
			if (!first)
				first = i;
		}
		return first;
	};

	if (wanted) {
		auto found = pick([&](const drmModeModeInfo &m) {
			return m.hdisplay == wanted->width && m.vdisplay == wanted->height &&
			       (!wanted->refresh ||
				static_cast<long>(m.vrefresh) == std::lround(*wanted->refresh));
		});
		if (!found)
			return Error{EINVAL, "no mode " + wanted->text + "; the connector has " +
						     modeList(modes)};
		return *found;
	}

	if (fullscreenPrimary) {
		auto found = pick([&](const drmModeModeInfo &m) {
			return m.hdisplay == frameWidth && m.vdisplay == frameHeight;
		});
		if (found)
			return *found;
	}
	auto preferred = pick([](const drmModeModeInfo &) { return true; });
	return *preferred;
}

Result<KmsOutput> KmsOutput::select(const KmsResources &res, const KmsSinkConfig &config,
				    const FrameFormat &frame, const std::string &cardName,
				    const Sharing *sharing)
{
	if (!frame.format || !frame.format->drm)
		return Error{EINVAL,
			     cardName + ": frames of format " +
				     std::string(frame.format ? frame.format->name : "none") +
				     " have no DRM fourcc and cannot be scanned out"};

	KmsOutput out;
	out.cardName_ = cardName;
	out.frame_ = frame;
	Result<void> step = out.chooseConnector(res, config, sharing);
	if (step)
		step = out.chooseCrtcAndPlane(res, config, sharing);
	if (step)
		step = out.chooseMode(config, sharing);
	if (step)
		step = out.chooseColor(config);
	if (step)
		step = out.chooseZpos(config);
	if (!step)
		return std::move(step).error();
	out.collectStrayState(res);
	return out;
}

Result<void> KmsOutput::chooseColor(const KmsSinkConfig &config)
{
	Result<std::optional<PlaneColor>> color =
		planeColorFor(plane_, *frame_.format, config.encoding.applyTo(frame_.encoding),
			      config.acceptPlaneEncoding, cardName_ + ": " + plane_.describe());
	if (!color)
		return std::move(color).error();
	planeColor_ = *color;
	return {};
}

Result<void> KmsOutput::chooseZpos(const KmsSinkConfig &config)
{
	if (!config.zpos)
		return {};
	const KmsProperty *zpos = plane_.properties.find("zpos");
	if (!zpos)
		return Error{ENOTSUP, cardName_ + ": " + plane_.describe() +
					      " has no zpos property: its order among the planes "
					      "is fixed by the driver; leave zpos out"};
	zposProperty_ = zpos->id;
	zpos_ = *config.zpos;
	return {};
}

Result<void> KmsOutput::chooseConnector(const KmsResources &res, const KmsSinkConfig &config,
					const Sharing *sharing)
{
	if (sharing) {
		/* The display's other sinks chose it: this one must agree. */
		for (const KmsConnector &c : res.connectors()) {
			if (c.id != sharing->connectorId)
				continue;
			if (!config.connector.empty() && config.connector != c.name &&
			    config.connector != std::to_string(c.id))
				return Error{EINVAL,
					     cardName_ + ": connector '" + config.connector +
						     "': the other kms sinks on this card "
						     "show on connector " +
						     c.name + ", and one card's sinks share one"};
			connector_ = c;
			return {};
		}
		return Error{ENODEV, cardName_ + ": the shared connector " +
					     std::to_string(sharing->connectorId) + " is gone"};
	}
	const KmsConnector *connector = nullptr;
	std::string names;
	for (const KmsConnector &c : res.connectors()) {
		if (c.writeback)
			continue;
		names += (names.empty() ? "" : ", ") + c.name + " (id " + std::to_string(c.id) +
			 (c.connection == DRM_MODE_CONNECTED ? ", connected)" : ", not connected)");
		if (connector)
			continue;
		if (config.connector.empty() ? c.connection == DRM_MODE_CONNECTED
					     : config.connector == c.name ||
						       config.connector == std::to_string(c.id))
			connector = &c;
	}
	if (!connector)
		return Error{ENODEV, cardName_ + ": no " +
					     (config.connector.empty()
						      ? std::string("connected connector")
						      : "connector '" + config.connector + "'") +
					     "; connectors: " + (names.empty() ? "none" : names)};
	if (connector->connection != DRM_MODE_CONNECTED || connector->modes.empty())
		return Error{ENODEV, cardName_ + ": connector " + connector->name +
					     " is not connected (no display, no modes)"};
	if (!connector->properties.id("CRTC_ID"))
		return Error{ENOTSUP, cardName_ + ": connector " + connector->name +
					      " has no CRTC_ID property (atomic not enabled?)"};
	connector_ = *connector;
	return {};
}

uint32_t KmsOutput::connectorCrtcId() const
{
	return static_cast<uint32_t>(connector_.properties.value("CRTC_ID"));
}

Result<void> KmsOutput::chooseCrtcAndPlane(const KmsResources &res, const KmsSinkConfig &config,
					   const Sharing *sharing)
{
	const std::string &cardName = cardName_;
	/* The CRTC the connector is on now first (switching CRTCs would need
	 * the old one switched off), then the others. */
	std::vector<const KmsCrtc *> crtcs;
	for (bool current : {true, false})
		for (const KmsCrtc &crtc : res.crtcs())
			if (onCrtc(connector_.possibleCrtcs, crtc) &&
			    (crtc.id == connectorCrtcId()) == current &&
			    (!sharing || crtc.id == sharing->crtcId))
				crtcs.push_back(&crtc);
	if (crtcs.empty())
		return Error{ENODEV, cardName + ": no CRTC can drive connector " + connector_.name};

	std::optional<Error> firstError;
	const KmsCrtc *crtc = nullptr;
	const KmsPlane *plane = nullptr;
	for (const KmsCrtc *candidate : crtcs) {
		auto chosen = choosePlane(res, config, *candidate, frame_, cardName, sharing);
		if (chosen) {
			crtc = candidate;
			plane = *chosen;
			break;
		}
		if (!firstError)
			firstError = chosen.error();
	}
	if (!plane)
		return *firstError;
	Result<void> props = checkPlaneProperties(*plane, cardName);
	if (!props)
		return props;
	for (const char *name : {"ACTIVE", "MODE_ID"})
		if (!crtc->properties.id(name))
			return Error{ENOTSUP, cardName + ": CRTC " + std::to_string(crtc->id) +
						      " has no atomic property " + name};
	crtc_ = *crtc;
	plane_ = *plane;

	if (plane->type == KmsPlane::Type::Primary)
		return {};
	/* Many cards (vkms among them) refuse an active CRTC whose primary
	 * plane does not cover the screen: the frames go on the overlay above a
	 * black primary. */
	const KmsPlane *bg = primaryOf(res, *crtc);
	if (!bg)
		return Error{ENODEV, cardName + ": CRTC " + std::to_string(crtc->id) +
					     " has no primary plane to put under " +
					     plane->describe()};
	if (!bg->supports(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR))
		return Error{EINVAL, cardName + ": " + bg->describe() + " (under the frames' " +
					     plane->describe() +
					     ") cannot show a linear XRGB8888 background; it "
					     "supports " +
					     supportedList(*bg)};
	props = checkPlaneProperties(*bg, cardName);
	if (!props)
		return props;
	background_ = *bg;
	return {};
}

Result<void> KmsOutput::chooseMode(const KmsSinkConfig &config, const Sharing *sharing)
{
	if (sharing) {
		mode_ = sharing->mode;
		if (config.mode &&
		    (config.mode->width != mode_.hdisplay || config.mode->height != mode_.vdisplay))
			return Error{EINVAL,
				     cardName_ + ": mode " + config.mode->text +
					     ": the other kms sinks on this card show mode " +
					     modeName(mode_) + ", and one CRTC scans out one mode"};
	} else {
		const bool fullscreenPrimary =
			plane_.type == KmsPlane::Type::Primary &&
			config.placement == KmsSinkConfig::Placement::Fullscreen;
		auto mode = selectMode(connector_.modes, config.mode, fullscreenPrimary,
				       frame_.width, frame_.height);
		if (!mode)
			return Error{mode.error().code, cardName_ + ": connector " +
								connector_.name + ": " +
								mode.error().message};
		mode_ = connector_.modes[*mode];
	}

	auto rect =
		placeOnScreen(config, mode_.hdisplay, mode_.vdisplay, frame_.width, frame_.height);
	if (!rect)
		return Error{rect.error().code,
			     cardName_ + ": " + plane_.describe() + ", " + frameName(frame_) +
				     " on mode " + modeName(mode_) + ": " + rect.error().message};
	rect_ = *rect;
	return {};
}

void KmsOutput::collectStrayState(const KmsResources &res)
{
	const uint32_t connectorCrtc = connectorCrtcId();
	for (const KmsPlane &p : res.planes()) {
		if (p.id == plane_.id || (background_ && p.id == background_->id))
			continue;
		if (p.crtcId == crtc_.id || (p.crtcId && p.crtcId == connectorCrtc))
			strayPlanes_.push_back(p);
	}
	for (const KmsConnector &c : res.connectors())
		if (c.id != connector_.id && c.properties.value("CRTC_ID") == crtc_.id)
			strayConnectors_.push_back(c);
	if (connectorCrtc && connectorCrtc != crtc_.id)
		if (const KmsCrtc *previous = res.crtc(connectorCrtc))
			previousCrtc_ = *previous;
}

std::string KmsOutput::describe() const
{
	return connector_.name + " " + plane_.describe();
}

int KmsOutput::addPlane(AtomicRequest &req, const KmsPlane &plane, uint32_t fb,
			const ScreenRect &dst, uint32_t srcWidth, uint32_t srcHeight) const
{
	const KmsPropertyList &p = plane.properties;
	/* SRC is 16.16 fixed point (sub-pixel source positions); CRTC is in
	 * whole pixels. */
	const std::pair<const char *, uint64_t> values[] = {
		{"FB_ID", fb},
		{"CRTC_ID", crtc_.id},
		{"SRC_X", 0},
		{"SRC_Y", 0},
		{"SRC_W", uint64_t{srcWidth} << 16},
		{"SRC_H", uint64_t{srcHeight} << 16},
		{"CRTC_X", static_cast<uint64_t>(static_cast<int64_t>(dst.x))},
		{"CRTC_Y", static_cast<uint64_t>(static_cast<int64_t>(dst.y))},
		{"CRTC_W", dst.width},
		{"CRTC_H", dst.height},
	};
	for (auto [name, value] : values)
		if (int ret = req.add(plane.id, p.id(name), value); ret < 0)
			return ret;
	/* Left by an earlier client, these would turn or fade the picture. */
	if (const KmsProperty *rotation = p.find("rotation"))
		req.add(plane.id, rotation->id, DRM_MODE_ROTATE_0);
	if (const KmsProperty *alpha = p.find("alpha"))
		req.add(plane.id, alpha->id, 0xffff);
	return 0;
}

int KmsOutput::addModeset(AtomicRequest &req, uint32_t modeBlob, uint32_t fb,
			  uint32_t backgroundFb) const
{
	const uint32_t own[] = {plane_.id};
	int ret = addCrtc(req, modeBlob, own);
	if (ret == 0)
		ret = addBackground(req, backgroundFb);
	if (ret == 0)
		ret = addPlaneState(req, fb);
	return ret;
}

int KmsOutput::addCrtc(AtomicRequest &req, uint32_t modeBlob, std::span<const uint32_t> keep) const
{
	int ret = 0;
	auto add = [&](uint32_t object, uint32_t prop, uint64_t value) {
		if (ret == 0)
			ret = req.add(object, prop, value);
	};

	if (previousCrtc_) {
		add(previousCrtc_->id, previousCrtc_->properties.id("ACTIVE"), 0);
		add(previousCrtc_->id, previousCrtc_->properties.id("MODE_ID"), 0);
	}
	for (const KmsConnector &c : strayConnectors_)
		add(c.id, c.properties.id("CRTC_ID"), 0);
	for (const KmsPlane &p : strayPlanes_) {
		if (std::find(keep.begin(), keep.end(), p.id) != keep.end())
			continue;
		add(p.id, p.properties.id("FB_ID"), 0);
		add(p.id, p.properties.id("CRTC_ID"), 0);
	}

	add(connector_.id, connector_.properties.id("CRTC_ID"), crtc_.id);
	add(crtc_.id, crtc_.properties.id("MODE_ID"), modeBlob);
	add(crtc_.id, crtc_.properties.id("ACTIVE"), 1);
	/* Colour management an earlier client (a night-light) left behind. */
	for (const char *name : {"DEGAMMA_LUT", "CTM", "GAMMA_LUT"})
		if (const KmsProperty *lut = crtc_.properties.find(name))
			add(crtc_.id, lut->id, 0);
	return ret;
}

int KmsOutput::addBackground(AtomicRequest &req, uint32_t backgroundFb) const
{
	if (!background_)
		return 0;
	ScreenRect screen{0, 0, mode_.hdisplay, mode_.vdisplay};
	return addPlane(req, *background_, backgroundFb, screen, mode_.hdisplay, mode_.vdisplay);
}

int KmsOutput::addPlaneState(AtomicRequest &req, uint32_t fb) const
{
	int ret = addPlane(req, plane_, fb, rect_, frame_.width, frame_.height);
	/* Set with the plane's first frame, they hold for every flip after
	 * it. */
	if (ret == 0 && zposProperty_)
		ret = req.add(plane_.id, zposProperty_, zpos_);
	if (ret < 0 || !planeColor_)
		return ret;
	if (planeColor_->encodingProperty)
		ret = req.add(plane_.id, planeColor_->encodingProperty, planeColor_->encoding);
	if (ret == 0 && planeColor_->rangeProperty)
		ret = req.add(plane_.id, planeColor_->rangeProperty, planeColor_->range);
	return ret;
}

int KmsOutput::addPlaneOff(AtomicRequest &req) const
{
	int ret = req.add(plane_.id, plane_.properties.id("FB_ID"), 0);
	if (ret == 0)
		ret = req.add(plane_.id, plane_.properties.id("CRTC_ID"), 0);
	return ret;
}

int KmsOutput::addFlip(AtomicRequest &req, uint32_t fb) const
{
	return req.add(plane_.id, plane_.properties.id("FB_ID"), fb);
}

int KmsOutput::addOff(AtomicRequest &req) const
{
	const KmsPlane *planes[] = {&plane_, background_ ? &*background_ : nullptr};
	for (const KmsPlane *p : planes) {
		if (!p)
			continue;
		if (int ret = req.add(p->id, p->properties.id("FB_ID"), 0); ret < 0)
			return ret;
		if (int ret = req.add(p->id, p->properties.id("CRTC_ID"), 0); ret < 0)
			return ret;
	}
	if (int ret = req.add(connector_.id, connector_.properties.id("CRTC_ID"), 0); ret < 0)
		return ret;
	if (int ret = req.add(crtc_.id, crtc_.properties.id("ACTIVE"), 0); ret < 0)
		return ret;
	return req.add(crtc_.id, crtc_.properties.id("MODE_ID"), 0);
}

Result<void> KmsOutput::test(int cardFd, AtomicRequest &req, uint32_t modeBlob, uint32_t fb,
			     uint32_t backgroundFb) const
{
	req.clear();
	int ret = addModeset(req, modeBlob, fb, backgroundFb);
	if (ret == 0)
		ret = req.commit(cardFd, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET);
	req.clear();
	if (ret == 0)
		return {};

	std::string what = cardName_ + ": " + plane_.describe() + " refused " + frameName(frame_) +
			   " at " + rect_.describe() + " on " + connector_.name + " mode " +
			   modeName(mode_) + " (TEST_ONLY commit)";
	Error error = Error::fromErrno(-ret, what);
	error.message += ". The plane supports " + supportedList(plane_);
	const bool scaled = rect_.width != frame_.width || rect_.height != frame_.height;
	if (scaled)
		error.message +=
			"; the frame would be scaled from " + std::to_string(frame_.width) + "x" +
			std::to_string(frame_.height) + " to " + std::to_string(rect_.width) + "x" +
			std::to_string(rect_.height) +
			", which this plane may not do (vkms cannot scale): capture at " +
			"the mode size or choose a mode of the frame's size (connector " +
			"modes: " + modeList(connector_.modes) + "), or scale the frames " +
			"before the sink: an m2m stage on a mem2mem scaler, else " +
			"[[stage]] type = \"scale\" (libyuv, a CPU pass per frame)";
	if (plane_.type == KmsPlane::Type::Primary &&
	    (rect_.x != 0 || rect_.y != 0 || rect_.width != mode_.hdisplay ||
	     rect_.height != mode_.vdisplay))
		error.message += "; a primary plane that does not cover the whole " +
				 std::to_string(mode_.hdisplay) + "x" +
				 std::to_string(mode_.vdisplay) +
				 " screen is refused by many cards (vkms among them): use an " +
				 "overlay plane";
	return error;
}

} /* namespace primecam */
