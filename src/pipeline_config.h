/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "camera/libcamera_config.h"
#include "drm/kms_sink_config.h"
#include "egl/gl_sink_config.h"
#include "pipeline/import_quirks.h"
#include "pipeline/stages/image_convert.h"
#include "v4l2/capture_config.h"
#include "v4l2/m2m_config.h"

namespace primecam {

/* [source] type = "v4l2": what V4l2Source takes, and how the format was
 * named. */
struct V4l2SourceConfig : CaptureConfig {
	/* The format was named by a V4L2 one-buffer-per-colour-plane fourcc
	 * ("NM12" for NV12M): CaptureConfig keeps only the format's row, so
	 * this goes to V4l2Source::setNonContiguous(). */
	bool nonContiguous = false;
};

/* A config file's [source] table, or one of its [[source]] tables (see
 * configs/README.md): one of the source kinds, each with only its own
 * keys, and the name stages and sinks refer to it by. */
struct SourceConfig {
	enum class Type {
		V4l2,
		Libcamera
	};

	/* Unique in the config; "source" for a table that gives none (allowed
	 * only when it is the only source). */
	std::string name;
	std::variant<V4l2SourceConfig, LibcameraConfig> kind;

	Type type() const
	{
		return std::holds_alternative<LibcameraConfig>(kind) ? Type::Libcamera : Type::V4l2;
	}
	/* The source's config; asking for the kind it is not is a bug
	 * (std::bad_variant_access): look at type() first. */
	const V4l2SourceConfig &v4l2() const { return std::get<V4l2SourceConfig>(kind); }
	const LibcameraConfig &libcamera() const { return std::get<LibcameraConfig>(kind); }
};

/* The source's format and size, whichever its kind. */
inline const PixelFormatInfo *sourceFormat(const SourceConfig &s)
{
	return std::visit([](const auto &c) { return c.format; }, s.kind);
}
inline uint32_t sourceWidth(const SourceConfig &s)
{
	return std::visit([](const auto &c) { return c.width; }, s.kind);
}
inline uint32_t sourceHeight(const SourceConfig &s)
{
	return std::visit([](const auto &c) { return c.height; }, s.kind);
}

/* One [[stage]] table; the stages of one source chain in config order. */
struct StageConfig {
	enum class Type {
		Invert,
		Grayscale,
		Overlay,
		Luma,
		Convert,
		Scale, /* libyuv's scalers, on the CPU */
		M2m    /* a V4L2 mem2mem device */
	};

	Type type = Type::Invert;
	/* Index into PipelineConfig::sources of the source whose frames it
	 * takes (its `source` key, or the only source). */
	size_t source = 0;
	/* convert and scale: the format to write (scale: null writes the
	 * input's), and what replaces the input frames' own YUV encoding
	 * (nothing, unless the config says) */
	const PixelFormatInfo *format = nullptr;
	YuvEncodingChoice encoding;
	/* scale and m2m: the size to write; 0 x 0 (m2m only) the input's */
	uint32_t width = 0;
	uint32_t height = 0;
	/* convert and scale: where its output buffers come from; unset:
	 * chosen for the sinks (dumb buffers on the first kms sink's card,
	 * else the dma-heap) */
	std::optional<PoolKind> pool;
	std::string poolCard; /* pool = dumb: the card to allocate on */
	uint32_t buffers = 4;
	/* overlay: image pixels per font pixel */
	uint32_t scale = 2;
	/* m2m: the device and what it writes (format, size and buffers are
	 * the fields above, copied in) */
	M2mConfig m2m;
};

/* One [[sink]] table. */
struct SinkConfig {
	enum class Type {
		Kms,
		Null,
		GlHeadless,
		GlKms,	 /* GL draws into the card's buffers, KMS scans them out */
		GlWindow /* a GLFW window on the desktop */
	};

	Type type = Type::Null;
	/* Index into PipelineConfig::sources, as for StageConfig. */
	size_t source = 0;
	KmsSinkConfig kms; /* for Type::Kms and Type::GlKms */
	GlSinkConfig gl;   /* for the GL types */
};

/* A whole config file, checked: every value is in range, every key known,
 * every source taken by a sink and every stage and sink fed by a source. */
struct PipelineConfig {
	std::string file;		   /* the path it was read from, for messages and stats */
	std::vector<SourceConfig> sources; /* at least one, in config order */
	std::vector<StageConfig> stages;   /* may be empty */
	std::vector<SinkConfig> sinks;	   /* at least one per source */

	/* The first source: the only one of a single-source config. Code that
	 * handles several takes forSource() or walks sources. */
	const SourceConfig &source() const { return sources.front(); }
	/* The config of source index alone: that source, its stages and its
	 * sinks (their source index becomes 0), for code that handles one
	 * pipeline at a time (the builder, the doctor). */
	PipelineConfig forSource(size_t index) const;
	/* How messages name source index: "source" when it is the only one,
	 * else "source[i]", as the config's tables are counted. */
	std::string sourcePath(size_t index) const;
	/* The stages, or the sinks, of source index, in config order. */
	std::vector<size_t> stagesOf(size_t index) const;
	std::vector<size_t> sinksOf(size_t index) const;
};

} /* namespace primecam */
