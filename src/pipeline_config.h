/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <vector>

#include "drm/kms_sink_config.h"
#include "v4l2/capture_config.h"

namespace primecam {

/* A config file's [source] table (see configs/README.md). */
struct SourceConfig {
	enum class Type {
		V4l2
	};

	Type type = Type::V4l2;
	CaptureConfig v4l2;
	/* The format was named by a V4L2 one-buffer-per-colour-plane fourcc
	 * ("NM12" for NV12M): CaptureConfig keeps only the format's row, so
	 * this goes to V4l2Source::setNonContiguous(). */
	bool nonContiguous = false;
};

/* One [[sink]] table. */
struct SinkConfig {
	enum class Type {
		Kms,
		Null
	};

	Type type = Type::Null;
	KmsSinkConfig kms; /* for Type::Kms */
};

/* A whole config file, checked: every value is in range and every key known. */
struct PipelineConfig {
	std::string file; /* the path it was read from, for messages and stats */
	SourceConfig source;
	std::vector<SinkConfig> sinks; /* at least one */
};

} /* namespace primecam */
