/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>

#include "base/dma_buf.h"
#include "base/pixel_format.h"
#include "base/yuv_encoding.h"

namespace primecam {

/* One colour plane of a buffer, as an importer (KMS, EGL) needs it. */
struct FramePlane {
	int fd = -1;	       /* dma-buf holding the plane; owned by the buffer's source */
	BufferId id;	       /* that dma-buf's identity: the key importers cache by */
	uint32_t offset = 0;   /* bytes from the start of the dma-buf */
	uint32_t stride = 0;   /* bytes per line, as the producing device reported it */
	uint64_t modifier = 0; /* DRM_FORMAT_MOD_LINEAR unless the producer tiles */
};

/*
 * One buffer of a source's pool, described by colour plane. It is stable from
 * configure() to teardown, which is what lets sinks import every buffer once
 * at configure time instead of once per frame.
 */
struct FrameBuffer {
	uint32_t index = 0; /* index in the source's pool (the V4L2 buffer index) */
	const PixelFormatInfo *format = nullptr;
	uint32_t width = 0;
	uint32_t height = 0;
	uint32_t numPlanes = 0;
	std::array<FramePlane, 3> planes;
	/* YUV formats: how the producer encoded colour (V4L2 colorimetry,
	 * libcamera's ColorSpace); what converters must read it with. */
	YuvEncoding encoding;

	/* The dma-bufs behind the planes, for CPU access (mapping + SYNC). */
	uint32_t numMemoryPlanes = 0;
	std::array<const DmaBuf *, 3> memory = {};
};

/*
 * Whether a frame's capture time can be used for latency, and if not, why
 * (pipeline/timestamp_check.h decides). Untrusted frames still stream; only
 * the figures leave them out.
 */
enum class TimestampTrust : uint8_t {
	Trusted,
	NotMonotonic, /* the driver did not flag it CLOCK_MONOTONIC */
	InFuture,     /* later than the moment it was dequeued */
	TooOld,	      /* older than any frame could have waited */
	Jumped,	      /* went backwards, or leapt forward, from the previous frame's */
	Count,
};

/* What the producer knows about one frame in a buffer. */
struct FrameMetadata {
	uint64_t sequence = 0;	 /* the producer's frame counter: gaps are lost frames */
	int64_t timestampNs = 0; /* capture time, CLOCK_MONOTONIC */
	TimestampTrust timestampTrust = TimestampTrust::Trusted;
	/* The capture time marks the start of the exposure (V4L2's
	 * TSTAMP_SRC_SOE), not the end of the frame: the frame was complete
	 * one frame period later. */
	bool startOfExposure = false;
};

} /* namespace primecam */
