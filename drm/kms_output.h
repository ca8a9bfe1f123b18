/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <xf86drmMode.h>

#include "base/pixel_format.h"
#include "base/result.h"
#include "drm/atomic_request.h"
#include "drm/kms_resources.h"
#include "drm/kms_sink_config.h"
#include "drm/placement.h"
#include "drm/plane_color.h"

namespace primecam {

/*
 * Where a sink's frames go: connector, CRTC, mode, the plane that shows the
 * frames (and the primary plane under an overlay), and where on the screen,
 * chosen from a KmsResources snapshot and a KmsSinkConfig. Builds the atomic
 * state for the modeset, the per-frame flip and switching the output off,
 * and checks the whole state with a TEST_ONLY commit, turning a refusal into
 * a message that names the plane, the format and what the plane supports.
 */
class KmsOutput
{
public:
	/* What the frames are: every buffer of a sink has the same. */
	struct FrameFormat {
		const PixelFormatInfo *format = nullptr;
		uint64_t modifier = 0;
		uint32_t width = 0;
		uint32_t height = 0;
		/* YUV formats: as the producer encoded them. */
		YuvEncoding encoding;
	};

	/*
	 * What the other sinks on the same display (drm/kms_display.h) already
	 * chose: one CRTC scans out one mode to one connector, so a later sink
	 * takes theirs, and a plane none of them shows.
	 */
	struct Sharing {
		uint32_t connectorId = 0;
		uint32_t crtcId = 0;
		drmModeModeInfo mode = {};
		std::vector<uint32_t> takenPlanes;
		/* How many kms sinks the display has in all, for messages. */
		size_t sinks = 1;
	};

	/*
	 * Connector (config.connector by name or id, else the first connected
	 * one), a CRTC it can use (the one it is on now first), a plane of the
	 * kind asked for on that CRTC whose format list has the frame's format
	 * and modifier, a mode (config.mode, else for a full-screen primary
	 * plane the mode of the frame's size, else the preferred mode) and the
	 * placement. With sharing: its connector, CRTC and mode, and a plane
	 * not taken. cardName prefixes the messages.
	 */
	static Result<KmsOutput> select(const KmsResources &resources, const KmsSinkConfig &config,
					const FrameFormat &frame, const std::string &cardName,
					const Sharing *sharing = nullptr);

	/*
	 * The mode wanted names, else for a full-screen primary plane the one
	 * whose size is the frame's, else the preferred one (else the first).
	 * An index into modes, or an error listing them.
	 */
	static Result<size_t> selectMode(std::span<const drmModeModeInfo> modes,
					 const std::optional<ModeRequest> &wanted,
					 bool fullscreenPrimary, uint32_t frameWidth,
					 uint32_t frameHeight);
	/* The same for a mode written as text ("WxH" or "WxH@R", parsed by
	 * ModeRequest::parse; empty: none). */
	static Result<size_t> selectMode(std::span<const drmModeModeInfo> modes,
					 std::string_view wanted, bool fullscreenPrimary,
					 uint32_t frameWidth, uint32_t frameHeight);

	/* "Virtual-1 plane 31 (primary)" */
	std::string describe() const;

	const KmsConnector &connector() const { return connector_; }
	const KmsCrtc &crtc() const { return crtc_; }
	const KmsPlane &plane() const { return plane_; }
	/* The primary plane under an overlay, which then needs a background. */
	const std::optional<KmsPlane> &background() const { return background_; }
	const drmModeModeInfo &mode() const { return mode_; }
	const ScreenRect &rect() const { return rect_; }
	/* The part of the frame shown there (SRC_*): all of it but for "fill". */
	const ScreenRect &crop() const { return crop_; }
	/* Whether the plane is asked to scale (shown part and place differ). */
	bool scales() const { return crop_.width != rect_.width || crop_.height != rect_.height; }

	/*
	 * The full state: connector on the CRTC, the mode (modeBlob) active,
	 * the frame plane showing fb at the placement, the primary showing
	 * backgroundFb when the frames go on another plane, and everything an
	 * earlier client left on this CRTC switched off (other planes, other
	 * connectors such as a writeback connector, colour management, the CRTC
	 * the connector was on if that is another one). Needs ALLOW_MODESET.
	 */
	int addModeset(AtomicRequest &request, uint32_t modeBlob, uint32_t fb,
		       uint32_t backgroundFb) const;
	/* The parts of addModeset(), for a display shared by several sinks:
	 * the connector, CRTC and mode, switching off what earlier clients
	 * left except the planes in keep (the display's sinks' own)... */
	int addCrtc(AtomicRequest &request, uint32_t modeBlob,
		    std::span<const uint32_t> keep) const;
	/* ...the black primary under overlays (nothing without one)... */
	int addBackground(AtomicRequest &request, uint32_t backgroundFb) const;
	/* ...and the frame plane's whole state: where, the framebuffer, and
	 * its colour encoding and zpos. Needs no modeset on an active CRTC. */
	int addPlaneState(AtomicRequest &request, uint32_t fb) const;
	/* The frame plane off, the rest of the display as it is. */
	int addPlaneOff(AtomicRequest &request) const;
	/* The per-frame change: the frame plane's FB_ID, nothing else. */
	int addFlip(AtomicRequest &request, uint32_t fb) const;
	/* Planes off, connector off the CRTC, CRTC inactive (ALLOW_MODESET). */
	int addOff(AtomicRequest &request) const;

	/* The modeset as TEST_ONLY | ALLOW_MODESET; a refusal becomes an error
	 * naming the plane, the format, the placement, the mode and what the
	 * plane supports. */
	Result<void> test(int cardFd, AtomicRequest &request, uint32_t modeBlob, uint32_t fb,
			  uint32_t backgroundFb) const;

private:
	/* select(), step by step; each fills its part of the output or says
	 * why it cannot. The connector: config.connector, else the first
	 * connected one. */
	Result<void> chooseConnector(const KmsResources &res, const KmsSinkConfig &config,
				     const Sharing *sharing);
	/* A CRTC the connector can use and a plane on it that takes the
	 * frames, and the primary plane under an overlay. */
	Result<void> chooseCrtcAndPlane(const KmsResources &res, const KmsSinkConfig &config,
					const Sharing *sharing);
	/* The mode and where on it the frames go. */
	Result<void> chooseMode(const KmsSinkConfig &config, const Sharing *sharing);
	/* config.zpos: the plane must have the property. */
	Result<void> chooseZpos(const KmsSinkConfig &config);
	/* YUV frames: how the plane must convert them, or why it cannot. */
	Result<void> chooseColor(const KmsSinkConfig &config);
	/* What earlier clients left on this CRTC, for the modeset to switch
	 * off. */
	void collectStrayState(const KmsResources &res);
	/* The CRTC the connector is on now (0: none). */
	uint32_t connectorCrtcId() const;

	int addPlane(AtomicRequest &request, const KmsPlane &plane, uint32_t fb,
		     const ScreenRect &dst, const ScreenRect &src) const;

	std::string cardName_;
	KmsConnector connector_;
	KmsCrtc crtc_;
	KmsPlane plane_;
	std::optional<KmsPlane> background_;
	drmModeModeInfo mode_ = {};
	ScreenRect rect_;
	ScreenRect crop_;
	FrameFormat frame_;
	/* YUV frames: the frame plane's COLOR_ENCODING and COLOR_RANGE. */
	std::optional<PlaneColor> planeColor_;
	/* config.zpos: the plane's zpos property and the value. */
	uint32_t zposProperty_ = 0;
	uint64_t zpos_ = 0;

	/* Left on by earlier clients, switched off by the modeset. */
	std::vector<KmsPlane> strayPlanes_;
	std::vector<KmsConnector> strayConnectors_;
	std::optional<KmsCrtc> previousCrtc_;
};

/* "1024x768@60" */
std::string modeName(const drmModeModeInfo &mode);
/* "XRGB8888, ARGB8888, ..." (names from base/pixel_format, else fourccs). */
std::string formatList(std::span<const uint32_t> formats);

} /* namespace primecam */
