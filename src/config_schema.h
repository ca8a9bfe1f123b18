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
	/* Where a source's table is, for the messages about it. */
	struct SourceTable {
		std::string path;		    /* "source", or "source[i]" for [[source]] */
		const toml::table *table = nullptr; /* in the root being read */
	};
	/* A [[stage]]'s or [[sink]]'s `source`, resolved to an index once
	 * every source is read (a source may come after its sinks). */
	struct SourceRef {
		std::string path;		    /* "sink[2]" */
		const toml::table *table = nullptr; /* in the root being read */
		std::optional<std::string> name;
		toml::source_region key; /* the `source` key's, when given */
	};

	/* [source] (one table) or [[source]] (any number). */
	bool readSources(const toml::key &key, const toml::node &node,
			 std::vector<SourceConfig> &sources);
	/* inArray: one of [[source]] tables, for the messages. */
	bool readSource(const toml::table &table, const std::string &path, bool inArray,
			SourceConfig &source);
	/* Every source has a name (the only one may go without: "source"), and
	 * no two the same. */
	bool checkSourceNames(std::vector<SourceConfig> &sources);
	/* Each stage and sink to its source's index; every source feeds a
	 * sink. */
	bool resolveSources(PipelineConfig &config);
	bool resolve(const SourceRef &ref, const std::vector<SourceConfig> &sources, size_t &index);
	/* Two kms sinks cannot scan out on one plane. */
	bool checkPlanes(const PipelineConfig &config);
	/* A card whose gl-kms sinks have a layout is theirs alone. */
	bool checkCompositions(const PipelineConfig &config);
	/* The `source` key of a stage or sink table. */
	KeyRule sourceRefRule(SourceRef &ref);
	bool checkV4l2Source(const toml::table &table, const std::string &path,
			     const V4l2SourceConfig &c);
	bool readLibcameraSource(const toml::table &table, const std::string &path,
				 const std::optional<std::string> &camera,
				 const V4l2SourceConfig &read, SourceConfig &source);
	bool defaultPoolCard(PipelineConfig &config, size_t index);
	bool readStages(const toml::key &key, const toml::node &node,
			std::vector<StageConfig> &stages);
	bool readStage(const toml::table &table, const std::string &path, StageConfig &stage,
		       std::span<const KeyRule> common);
	bool readSinks(const toml::key &key, const toml::node &node,
		       std::vector<SinkConfig> &sinks);
	/* common: the keys every [[sink]] (or [[stage]]) takes whatever its
	 * type (`source`), read by readTable without being listed. */
	bool readSink(const toml::table &table, const std::string &path, SinkConfig &sink,
		      std::span<const KeyRule> common);
	/* gl: for a gl-kms [[sink]], which also takes the GL keys and where
	 * width/height are the rendered size. */
	bool readKmsSink(const toml::table &table, const std::string &path, KmsSinkConfig &kms,
			 std::span<const KeyRule> common, GlSinkConfig *gl = nullptr);
	/* The kms (or gl-kms) sinks of each card with layout = "mosaic" or "pip" get
	 * their cell and the number of cells, in config order. */
	static void numberLayoutCells(PipelineConfig &config);
	bool readGlSink(const toml::table &table, const std::string &path, GlSinkConfig &gl,
			std::span<const KeyRule> common);
	bool readGlWindowSink(const toml::table &table, const std::string &path, GlSinkConfig &gl,
			      std::span<const KeyRule> common);
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

	std::vector<SourceTable> sourceTables_;
	std::vector<SourceRef> stageRefs_;
	std::vector<SourceRef> sinkRefs_;
};

} /* namespace primecam::config */
