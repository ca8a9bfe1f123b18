/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/pixel_format.h"
#include "pipeline/pool_kind.h"
#include "src/verify/verify_result.h"
#include "v4l2/format_enum.h"

namespace primecam {

/* What the camera under test offers, as its device said. */
struct CameraOffer {
	bool libcamera = false;
	std::string device;   /* what a config's source names: "/dev/video0", a libcamera id */
	std::string driver;   /* "vivid"; "" for libcamera */
	std::string describe; /* "/dev/video0 (vivid)", for the report */
	struct Format {
		const PixelFormatInfo *format = nullptr;
		/* Sizes the camera gives exactly; a V4L2 range is asked at the
		 * display's mode sizes and lists those it contains. */
		std::vector<FrameSize> sizes;
	};
	std::vector<Format> formats;
	/* "single-planar", "multi-planar": the APIs the node speaks, the
	 * default (what a config without `api` gets) first. Empty for
	 * libcamera. */
	std::vector<std::string> apis;
	/* The dma-buf pools the camera's queue may capture into (the import
	 * quirk table's verdict for its driver). Empty for libcamera. */
	std::vector<PoolKind> pools;
};

/* What the display under test offers. */
struct DisplayOffer {
	std::string card;	      /* what a config's sink names: "/dev/dri/card0" */
	std::string describe;	      /* "/dev/dri/card0 (vkms)" */
	FrameSize preferred;	      /* the connector's preferred mode */
	std::vector<FrameSize> modes; /* every mode size, once each */
	bool overlay = false;	      /* it has an overlay plane */
	/* What the primary and the overlay planes scan out (DRM fourccs). */
	std::vector<uint32_t> primaryFormats;
	std::vector<uint32_t> overlayFormats;
};

/* One combination to run. */
struct CaseSpec {
	const PixelFormatInfo *format = nullptr;
	FrameSize size;		      /* the camera's */
	FrameSize mode;		      /* the display's */
	std::string api;	      /* "" for libcamera */
	std::optional<PoolKind> pool; /* memory = "dmabuf" from it; unset: the camera's own */
	bool overlay = false;	      /* an overlay plane, centred; else the primary, full screen */
	/* Set when the case cannot be made at all (no size of the format
	 * equals a mode): it is listed as not applicable with this. */
	std::string unmade;

	/* "YUYV/640x480/mmap/single-planar/primary" */
	std::string name() const;
};

/*
 * The matrix's bounded sizes. The main size is the largest the camera gives
 * that equals a display mode no larger than the preferred mode: a board's
 * panel shows its preferred (native) mode, and larger modes only multiply
 * the pixels to compare. The overlay size is the largest camera size smaller
 * than the main one in both directions, so that it leaves the primary plane
 * visible around it.
 */
std::optional<FrameSize> mainSize(const CameraOffer::Format &format, const DisplayOffer &display);
std::optional<FrameSize> overlaySize(const CameraOffer::Format &format, FrameSize main);

/*
 * The format axis: every format at the main size on the primary plane, and
 * at the overlay size on an overlay plane (when the display has one) on the
 * same mode (the preferred one when the camera gives no mode's size), in the
 * camera's own memory through its default API.
 */
std::vector<CaseSpec> formatCases(const CameraOffer &camera, const DisplayOffer &display);

/*
 * The memory and API axes, each crossed with one format per path rather
 * than with every format (the format axis already covers the formats): for
 * each representative (a format case that has a path, the first of its
 * path), the case again from each dma-buf pool, and through each other API.
 */
std::vector<CaseSpec> memoryCases(const std::vector<CaseSpec> &representatives,
				  const CameraOffer &camera);

} /* namespace primecam */
