/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/pixel_format.h"
#include "base/result.h"
#include "drm/kms_resources.h"
#include "src/pipeline_config.h"
#include "src/scaling_advice.h"

namespace primecam {

/*
 * `primecam doctor CONFIG`: whether a pipeline is zero-copy, and if not,
 * where the copy or conversion happens and why, or why it cannot run at all.
 * This is where a user learns why zero-copy failed, instead of meeting a
 * silent copy.
 *
 * Two halves: gatherDoctorFacts() (doctor_facts.cpp) asks the devices (the
 * formats the camera offers, the formats the configured planes take)
 * without streaming or taking the display; diagnose() (diagnosis.cpp) is
 * pure logic over those facts, one function per source, stage and sink
 * kind, so that every verdict is unit-tested without a device.
 */

/* What the source's device said. */
struct SourceFacts {
	std::string name;			      /* "/dev/video0 (vivid)" */
	std::string driver;			      /* "vivid": for the import quirks */
	std::optional<std::string> error;	      /* the device could not be asked */
	std::vector<const PixelFormatInfo *> formats; /* offered natively */
	std::vector<uint32_t> unknownFourccs;	      /* offered, not in primecam's table */
	std::string poolCard; /* memory = "dmabuf", pool = "dumb": the card's path */
	/* What the device would change (libcamera rounding a size). */
	std::vector<std::string> notes;
	/* A YUV format's encoding, as the device reports it for the
	 * configured format (V4L2 TRY_FMT colorimetry); unknown when the
	 * device was not asked. */
	std::optional<YuvEncoding> encoding;
};

/* What a sink's device said. */
struct SinkFacts {
	std::string name;		  /* "kms vkms plane primary" */
	std::string driver;		  /* kms: the card's driver, for the import quirks */
	bool takesAnything = false;	  /* null sink */
	std::optional<std::string> error; /* the card or plane could not be asked */
	std::vector<uint32_t> drmFormats; /* what the plane(s) scan out */
	/* kms: the planes it may use, for their YUV colour properties. */
	std::vector<KmsPlane> planes;
	/* kms: configures the sink `run` would make on buffers of a format
	 * and size, which ends in its TEST_ONLY commit: where the frames would
	 * go ("plane 31 (primary) at 640x480+0+0 on mode 640x480@60"), or the
	 * refusal `run` would give. Unset when the card could not be asked. */
	std::function<Result<std::string>(const PixelFormatInfo &format, uint32_t width,
					  uint32_t height)>
		tryPlane;
	/* GL sinks */
	bool gl = false;
	bool glImport = false;	 /* EGL_EXT_image_dma_buf_import offered */
	bool glSoftware = false; /* Mesa's software rasterizer: foreign dma-bufs crash */
	std::string glCard;	 /* the card it renders on (a path), if any */
};

/* What the devices said. */
struct DoctorFacts {
	SourceFacts source;
	std::vector<SinkFacts> sinks; /* one per config sink */
	/* The mem2mem devices of the machine that would get frames to a plane
	 * (src/scaling_advice.h); unset: none asked. */
	std::function<std::vector<M2mScaler>(const ScalingNeed &need)> m2mFor;
};

enum class DoctorVerdict {
	ZeroCopy,   /* capture buffers reach every sink without a CPU pass */
	Conversion, /* a converting stage writes new buffers; the display side imports them */
	Copy,	    /* the source copies every frame (libv4l2 emulation) */
	Impossible, /* the pipeline cannot run as configured */
};

const char *doctorVerdictName(DoctorVerdict verdict);

struct DoctorReport {
	DoctorVerdict verdict = DoctorVerdict::ZeroCopy;
	std::vector<std::string> lines; /* the explanation, in data-path order */

	std::string text() const;
};

/* Both take one source's pipeline (PipelineConfig::forSource): the
 * command asks them once per source. */
DoctorReport diagnose(const PipelineConfig &config, const DoctorFacts &facts);
DoctorFacts gatherDoctorFacts(const PipelineConfig &config);

/* The command: prints the report; 0 unless the verdict is Impossible or
 * the config does not parse. */
int doctorCommand(const std::string &configPath);

} /* namespace primecam */
