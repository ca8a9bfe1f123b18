/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/config_rules.h"
#include "src/pipeline_config.h"

namespace primecam::config {

/*
 * Limits, each with its reason. Sizes: 16384 is the largest framebuffer
 * width or height any DRM driver accepts (mode_config.max_width/height);
 * V4L2 sizes are u32 but no capture device comes near. Buffers: two at the
 * least, one on screen while the device fills the other; VIDEO_MAX_FRAME
 * (32) at most, the size of a vb2 queue.
 */
constexpr int64_t kMaxDimension = 16384;
constexpr int64_t kMinBuffers = 2;
constexpr int64_t kMaxBuffers = 32;
/* A stream restarted more often than this per window is broken, not
 * unlucky; a window beyond a day would never forget a restart. */
constexpr int64_t kMaxRestartLimit = 1000;
/* V4L2 input indexes are u32; no device has more than a handful. */
constexpr int64_t kMaxInput = 255;
constexpr int64_t kMaxRestartWindowS = 86400;
constexpr int64_t kMaxFps = 1000;

/* The spellings of the keys that more than one table takes. */
inline constexpr Choice<YuvMatrix> kMatrices[] = {
	{"bt601", YuvMatrix::Bt601},
	{"bt709", YuvMatrix::Bt709},
	{"bt2020", YuvMatrix::Bt2020},
};
inline constexpr Choice<YuvRange> kRanges[] = {
	{"limited", YuvRange::Limited},
	{"full", YuvRange::Full},
};

/*
 * The pipeline schema: what each table of a config file takes (every key
 * in configs/README.md), read into a PipelineConfig by the rule engine.
 * config_schema.cpp holds the top level, [source] and [[stage]];
 * config_sink_schema.cpp the [[sink]] kinds.
 */
class SchemaReader : public RuleReader
{
public:
	using RuleReader::RuleReader;

	Result<PipelineConfig> read(const toml::table &root);

private:
	bool readSource(const toml::key &key, const toml::node &node, SourceConfig &source);
	bool checkV4l2Source(const toml::table &table, const std::string &path,
			     const V4l2SourceConfig &c);
	bool readLibcameraSource(const toml::table &table, const std::string &path,
				 const std::optional<std::string> &camera,
				 const V4l2SourceConfig &read, SourceConfig &source);
	bool defaultPoolCard(const toml::table &root, PipelineConfig &config);
	bool readStages(const toml::key &key, const toml::node &node,
			std::vector<StageConfig> &stages);
	bool readStage(const toml::table &table, const std::string &path, StageConfig &stage);
	bool readSinks(const toml::key &key, const toml::node &node,
		       std::vector<SinkConfig> &sinks);
	bool readSink(const toml::table &table, const std::string &path, SinkConfig &sink);
	/* gl: for a gl-kms [[sink]], which also takes the GL keys and where
	 * width/height are the rendered size. */
	bool readKmsSink(const toml::table &table, const std::string &path, KmsSinkConfig &kms,
			 GlSinkConfig *gl = nullptr);
	bool readGlSink(const toml::table &table, const std::string &path, GlSinkConfig &gl);
	bool readGlWindowSink(const toml::table &table, const std::string &path, GlSinkConfig &gl);
	bool readMode(const toml::key &key, const toml::node &value, const std::string &path,
		      std::optional<ModeRequest> &mode);
	/* A pixel format by DRM name or fourcc; hint ends the message for an
	 * unknown one. */
	bool readFormat(const toml::key &key, const toml::node &value, const std::string &path,
			std::string_view hint, const PixelFormatInfo *&format);
	/* The GL sinks' `import`, and the keys that override a YUV frame's own
	 * encoding. */
	KeyRule importRule(const std::string &path, GlSinkConfig &gl);
	KeyRule matrixRule(const std::string &path, YuvEncodingChoice &encoding);
	KeyRule rangeRule(const std::string &path, YuvEncodingChoice &encoding);
	/* V4L2 controls by name, in file order: a source's or an m2m stage's. */
	KeyRule controlsRule(const std::string &path,
			     std::vector<std::pair<std::string, int64_t>> &controls);
};

} /* namespace primecam::config */
