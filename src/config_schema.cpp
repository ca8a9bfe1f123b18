/* SPDX-License-Identifier: MIT */
#include "src/config_schema.h"

#include <cerrno>

namespace primecam::config {

namespace {

constexpr Choice<SourceConfig::Type> kSourceTypes[] = {
	{"v4l2", SourceConfig::Type::V4l2},
	{"libcamera", SourceConfig::Type::Libcamera},
};
constexpr Choice<CaptureConfig::Api> kApis[] = {
	{"auto", CaptureConfig::Api::Auto},
	{"single-planar", CaptureConfig::Api::SinglePlanar},
	{"multi-planar", CaptureConfig::Api::MultiPlanar},
};
constexpr Choice<CaptureConfig::Memory> kMemories[] = {
	{"mmap", CaptureConfig::Memory::Mmap},
	{"dmabuf", CaptureConfig::Memory::Dmabuf},
	{"libv4l2", CaptureConfig::Memory::Libv4l2},
};
constexpr Choice<Source::OnLoss> kOnLoss[] = {
	{"hold", Source::OnLoss::Hold},
	{"black", Source::OnLoss::Black},
};
constexpr Choice<PoolKind> kPools[] = {
	{"dumb", PoolKind::Dumb},
	{"dma-heap", PoolKind::DmaHeap},
	{"udmabuf", PoolKind::Udmabuf},
};
constexpr Choice<StageConfig::Type> kStageTypes[] = {
	{"invert", StageConfig::Type::Invert},	 {"grayscale", StageConfig::Type::Grayscale},
	{"overlay", StageConfig::Type::Overlay}, {"luma", StageConfig::Type::Luma},
	{"convert", StageConfig::Type::Convert}, {"scale", StageConfig::Type::Scale},
	{"m2m", StageConfig::Type::M2m},
};

/* Both take their buffers from a pool: DMABUF capture imports them,
 * libv4l2 emulation copies every frame into them. */
bool pooled(const CaptureConfig &c)
{
	return c.memory == CaptureConfig::Memory::Dmabuf ||
	       c.memory == CaptureConfig::Memory::Libv4l2;
}

} /* namespace */

KeyRule SchemaReader::matrixRule(const std::string &path, YuvEncodingChoice &encoding)
{
	return choiceRule("matrix", path, kMatrices, encoding.matrix);
}

KeyRule SchemaReader::rangeRule(const std::string &path, YuvEncodingChoice &encoding)
{
	return choiceRule("range", path, kRanges, encoding.range);
}

KeyRule SchemaReader::controlsRule(const std::string &path,
				   std::vector<std::pair<std::string, int64_t>> &controlList)
{
	return {"controls", [this, path, &controlList](const toml::key &k, const toml::node &v) {
			const toml::table *controls = v.as_table();
			if (!controls)
				return fail(k.source(), path + ".controls",
					    "expected a table of control names and values ([" +
						    path + ".controls]), got " + describeValue(v));
			/* Any name: the device's controls are only known once
			 * it is open (VIDIOC_QUERY_EXT_CTRL at configure). */
			for (const auto &entry : inFileOrder(*controls)) {
				const toml::key &name = *entry.first;
				const toml::node &value = *entry.second;
				std::string where = path + ".controls." + escape(name.str());
				int64_t number;
				if (value.is_integer())
					number = value.as_integer()->get();
				else if (value.is_boolean())
					number = value.as_boolean()->get() ? 1 : 0;
				else
					return fail(name.source(), where,
						    "expected an integer or a boolean (a menu "
						    "control takes its item's index), got " +
							    describeValue(value));
				if (name.str().empty() ||
				    name.str().find('\0') != std::string::npos)
					return fail(
						name.source(), where,
						"expected a control name such as \"brightness\"");
				controlList.emplace_back(name.str(), number);
			}
			return true;
		}};
}

bool SchemaReader::readFormat(const toml::key &key, const toml::node &value,
			      const std::string &path, std::string_view hint,
			      const PixelFormatInfo *&format)
{
	auto s = string(key, value, path);
	if (!s)
		return false;
	format = formatByName(*s);
	if (!format)
		return fail(key.source(), path,
			    "unknown pixel format " + quote(*s) + " (" + std::string(hint) + ")");
	return true;
}

bool SchemaReader::readSources(const toml::key &key, const toml::node &node,
			       std::vector<SourceConfig> &sources)
{
	if (const toml::table *table = node.as_table()) {
		sourceTables_.push_back({"source", table});
		return readSource(*table, "source", false, sources.emplace_back());
	}
	const toml::array *array = node.as_array();
	if (!array || array->empty())
		return fail(key.source(), "source",
			    "expected a table ([source]), got " + describeValue(node));
	for (size_t i = 0; i < array->size(); ++i) {
		const toml::node &element = *array->get(i);
		std::string path = "source[" + std::to_string(i) + "]";
		const toml::table *table = element.as_table();
		if (!table) {
			const toml::source_region &where =
				element.source().begin.line ? element.source() : key.source();
			return fail(where, path, "expected a table, got " + describeValue(element));
		}
		sourceTables_.push_back({path, table});
		if (!readSource(*table, path, true, sources.emplace_back()))
			return false;
	}
	return true;
}

bool SchemaReader::readSource(const toml::table &table, const std::string &path, bool inArray,
			      SourceConfig &source)
{
	/* The type decides which keys the table takes. */
	if (!require(table, path, "type", "type = \"v4l2\" or \"libcamera\""))
		return false;

	/* Every key is read first, whatever the type, so that the first
	 * error in the file is the one reported; the keys the type does not
	 * take are refused after. */
	SourceConfig::Type type = SourceConfig::Type::V4l2;
	V4l2SourceConfig c;
	std::optional<std::string> camera;
	bool reconnect = false;
	Source::OnLoss onLoss = Source::OnLoss::Hold;
	const KeyRule rules[] = {
		choiceRule("type", path, kSourceTypes, type),
		stringRule("device", path, c.device),
		choiceRule("api", path, kApis, c.api),
		{"format",
		 [&](const toml::key &k, const toml::node &v) {
			 if (!readFormat(k, v, path + ".format",
					 "a DRM name such as \"XRGB8888\" or a fourcc such as "
					 "\"XR24\"; see configs/README.md",
					 c.format))
				 return false;
			 c.nonContiguous =
				 c.format->v4l2Mplane &&
				 fourccToString(c.format->v4l2Mplane) == v.as_string()->get();
			 return true;
		 }},
		integerRule("width", path, 1, kMaxDimension, c.width),
		integerRule("height", path, 1, kMaxDimension, c.height),
		{"fps",
		 [&](const toml::key &k, const toml::node &v) {
			 double fps;
			 if (v.is_integer())
				 fps = static_cast<double>(v.as_integer()->get());
			 else if (v.is_floating_point())
				 fps = v.as_floating_point()->get();
			 else
				 return fail(k.source(), path + ".fps",
					     "expected a number, got " + describeValue(v));
			 /* !(a && b) also catches NaN, which TOML allows. */
			 if (!(fps > 0 && fps <= static_cast<double>(kMaxFps)))
				 return fail(k.source(), path + ".fps",
					     "expected a rate above 0 and at most " +
						     std::to_string(kMaxFps) + ", got " +
						     describeValue(v));
			 c.fps = fps;
			 return true;
		 }},
		integerRule("buffers", path, kMinBuffers, kMaxBuffers, c.buffers),
		choiceRule("memory", path, kMemories, c.memory),
		choiceRule("pool", path, kPools, c.pool),
		stringRule("pool_card", path, c.poolCard),
		controlsRule(path, c.controls),
		{"input",
		 [&](const toml::key &k, const toml::node &v) {
			 auto n = integer(k, v, path + ".input", 0, kMaxInput);
			 if (n)
				 c.input = static_cast<uint32_t>(*n);
			 return n.has_value();
		 }},
		boolRule("reconnect", path, reconnect),
		choiceRule("on_loss", path, kOnLoss, onLoss),
		integerRule("restart_limit", path, 0, kMaxRestartLimit, c.restart.limit),
		integerRule("restart_window_s", path, 1, kMaxRestartWindowS, c.restart.windowS),
		{"camera",
		 [&](const toml::key &k, const toml::node &v) {
			 /* An index is written as a number (camera = 0) or as
			  * its text; both reach the source as text. */
			 if (v.is_integer()) {
				 auto n = integer(k, v, path + ".camera", 0, 1023);
				 if (n)
					 camera = std::to_string(*n);
				 return n.has_value();
			 }
			 if (!v.is_string())
				 return fail(k.source(), path + ".camera",
					     "expected a camera id (a string, as `primecam list` "
					     "prints it) or an index, got " +
						     describeValue(v));
			 camera = string(k, v, path + ".camera");
			 return camera.has_value();
		 }},
	};
	/* name: every source table takes it; checked for uniqueness once all
	 * are read. Not in the list of what the type takes. */
	const KeyRule common[] = {stringRule("name", path, source.name)};
	if (!readTable(table, path, inArray ? "a [[source]]" : "[source]", rules, common))
		return false;
	if (reconnect)
		c.reconnect = onLoss;

	if (type == SourceConfig::Type::Libcamera)
		return readLibcameraSource(table, path, camera, c, source);
	if (!checkV4l2Source(table, path, c))
		return false;
	source.kind = std::move(c);
	return true;
}

bool SchemaReader::checkV4l2Source(const toml::table &table, const std::string &path,
				   const V4l2SourceConfig &c)
{
	if (!onlyWith(table, path, "camera", false, "type = \"libcamera\""))
		return false;

	if (!require(table, path, "device", "a path such as \"/dev/video0\" or a driver name") ||
	    !require(table, path, "format", "such as \"XRGB8888\"") ||
	    !require(table, path, "width", "") || !require(table, path, "height", ""))
		return false;

	/* One buffer per colour plane exists only in the multi-planar API. */
	if (c.nonContiguous && c.api == CaptureConfig::Api::SinglePlanar)
		return fail(keyOf(table, "format")->source(), path + ".format",
			    quote(fourccToString(c.format->v4l2Mplane)) +
				    " is a one-buffer-per-plane fourcc of the multi-planar API; it "
				    "needs api = \"multi-planar\" or \"auto\"");

	/* libv4l2 converts through the single-planar API only, into one
	 * contiguous buffer per frame. */
	const bool libv4l2 = c.memory == CaptureConfig::Memory::Libv4l2;
	if (libv4l2 && c.api == CaptureConfig::Api::MultiPlanar)
		return fail(keyOf(table, "api")->source(), path + ".api",
			    "memory = \"libv4l2\" converts through the single-planar API only; "
			    "use api = \"single-planar\" or \"auto\"");
	if (libv4l2 && c.nonContiguous)
		return fail(keyOf(table, "format")->source(), path + ".format",
			    quote(fourccToString(c.format->v4l2Mplane)) +
				    " is a one-buffer-per-plane fourcc; memory = \"libv4l2\" "
				    "delivers one contiguous buffer per frame");

	if (!onlyWith(table, path, "on_loss", c.reconnect.has_value(), "reconnect = true"))
		return false;
	return onlyWith(table, path, "pool", pooled(c), "memory = \"dmabuf\" or \"libv4l2\"") &&
	       onlyWith(table, path, "pool_card", pooled(c) && c.pool == PoolKind::Dumb,
			"memory = \"dmabuf\" or \"libv4l2\", and pool = \"dumb\"");
}

bool SchemaReader::readLibcameraSource(const toml::table &table, const std::string &path,
				       const std::optional<std::string> &camera,
				       const V4l2SourceConfig &read, SourceConfig &source)
{
	/* libcamera chooses the device nodes, the buffer memory and the
	 * rate: the V4L2 keys have no meaning here, and a key that silently
	 * did nothing would mislead. */
	for (std::string_view key :
	     {"device", "api", "fps", "memory", "pool", "pool_card", "controls", "input",
	      "reconnect", "on_loss", "restart_limit", "restart_window_s"})
		if (!onlyWith(table, path, key, false, "type = \"v4l2\""))
			return false;
	if (!require(table, path, "format", "such as \"BGR888\"") ||
	    !require(table, path, "width", "") || !require(table, path, "height", ""))
		return false;

	if (read.nonContiguous)
		return fail(keyOf(table, "format")->source(), path + ".format",
			    quote(fourccToString(read.format->v4l2Mplane)) +
				    " is a V4L2 one-buffer-per-plane fourcc; libcamera names "
				    "formats by DRM fourcc (\"" +
				    std::string(read.format->name) + "\")");
	if (!read.format->drm)
		return fail(keyOf(table, "format")->source(), path + ".format",
			    std::string(read.format->name) +
				    " has no DRM fourcc, and libcamera names its formats by "
				    "DRM fourcc; `primecam list` shows what a camera offers");
	LibcameraConfig lc;
	lc.camera = camera.value_or("");
	lc.format = read.format;
	lc.width = read.width;
	lc.height = read.height;
	lc.buffers = read.buffers;
	source.kind = std::move(lc);
	return true;
}

bool SchemaReader::readStage(const toml::table &table, const std::string &path, StageConfig &stage,
			     std::span<const KeyRule> common)
{
	if (!require(table, path, "type",
		     "\"invert\", \"grayscale\", \"overlay\", \"luma\", \"convert\", \"scale\" "
		     "or \"m2m\""))
		return false;
	auto type = choice(*keyOf(table, "type"), *table.get("type"), path + ".type", kStageTypes);
	if (!type)
		return false;
	stage.type = *type;
	bool convert = stage.type == StageConfig::Type::Convert;
	bool m2m = stage.type == StageConfig::Type::M2m;
	bool scale = stage.type == StageConfig::Type::Scale;

	const KeyRule rules[] = {
		alreadyRead("type"),
		{"format",
		 [&](const toml::key &k, const toml::node &v) {
			 return readFormat(k, v, path + ".format",
					   "such as \"XRGB8888\"; see configs/README.md",
					   stage.format);
		 }},
		matrixRule(path, stage.encoding),
		rangeRule(path, stage.encoding),
		choiceRule("pool", path, kPools, stage.pool),
		stringRule("pool_card", path, stage.poolCard),
		integerRule("buffers", path, kMinBuffers, kMaxBuffers, stage.buffers),
		integerRule("scale", path, 1, 16, stage.scale),
		stringRule("device", path, stage.m2m.device),
		integerRule("width", path, 1, kMaxDimension, stage.width),
		integerRule("height", path, 1, kMaxDimension, stage.height),
		controlsRule(path, stage.m2m.controls),
	};
	if (!readTable(table, path, "a [[stage]]", rules, common))
		return false;

	bool overlay = stage.type == StageConfig::Type::Overlay;
	for (std::string_view key : {"format", "buffers"})
		if (!onlyWith(table, path, key, convert || scale || m2m,
			      "type = \"convert\", \"scale\" or \"m2m\""))
			return false;
	for (std::string_view key : {"matrix", "range", "pool"})
		if (!onlyWith(table, path, key, convert || scale,
			      "type = \"convert\" or \"scale\""))
			return false;
	for (std::string_view key : {"width", "height"})
		if (!onlyWith(table, path, key, scale || m2m, "type = \"scale\" or \"m2m\""))
			return false;
	for (std::string_view key : {"device", "controls"})
		if (!onlyWith(table, path, key, m2m, "type = \"m2m\""))
			return false;
	if (m2m) {
		if (!require(table, path, "device",
			     "a path such as \"/dev/video2\" or a driver name such as "
			     "\"vim2m\"") ||
		    !require(table, path, "format", "what the device writes, such as \"RGB565\""))
			return false;
		if (table.contains("width") != table.contains("height"))
			return require(table, path, table.contains("width") ? "height" : "width",
				       "width and height go together");
		stage.m2m.format = stage.format;
		stage.m2m.width = stage.width;
		stage.m2m.height = stage.height;
		stage.m2m.buffers = stage.buffers;
		return true;
	}
	if (!onlyWith(table, path, "scale", overlay, "type = \"overlay\"") ||
	    !onlyWith(table, path, "pool_card", (convert || scale) && stage.pool == PoolKind::Dumb,
		      "type = \"convert\" or \"scale\", and pool = \"dumb\""))
		return false;
	if (scale && (!require(table, path, "width", "the width to scale to") ||
		      !require(table, path, "height", "the height to scale to")))
		return false;
	if (convert && !stage.format)
		stage.format = formatByName("XRGB8888");
	/* scale without a format writes the input's, checked at configure. */
	if ((convert || scale) && stage.format) {
		bool target = false;
		for (const PixelFormatInfo *t : conversionTargets())
			target = target || t == stage.format;
		if (!target) {
			std::string names;
			for (const PixelFormatInfo *t : conversionTargets())
				names += (names.empty() ? "" : ", ") + std::string(t->name);
			return fail(keyOf(table, "format")->source(), path + ".format",
				    std::string(scale ? "scale" : "convert") + " cannot write " +
					    std::string(stage.format->name) + "; it writes " +
					    names);
		}
	}
	return true;
}

bool SchemaReader::readStages(const toml::key &key, const toml::node &node,
			      std::vector<StageConfig> &stages)
{
	const toml::array *array = node.as_array();
	if (!array)
		return fail(key.source(), "stage",
			    "expected [[stage]] tables, got " + describeValue(node));
	for (size_t i = 0; i < array->size(); ++i) {
		const toml::node &element = *array->get(i);
		std::string path = "stage[" + std::to_string(i) + "]";
		const toml::table *table = element.as_table();
		if (!table) {
			const toml::source_region &where =
				element.source().begin.line ? element.source() : key.source();
			return fail(where, path, "expected a table, got " + describeValue(element));
		}
		StageConfig &stage = stages.emplace_back();
		SourceRef &ref = stageRefs_.emplace_back(SourceRef{path, table, {}, {}});
		const KeyRule common[] = {sourceRefRule(ref)};
		if (!readStage(*table, path, stage, common))
			return false;
	}
	return true;
}

/* A dumb-buffer pool defaults to the display's card: buffers allocated by
 * the card that scans them out always import there. Each source's own
 * sinks decide for it. */
bool SchemaReader::defaultPoolCard(PipelineConfig &config, size_t index)
{
	V4l2SourceConfig *c = std::get_if<V4l2SourceConfig>(&config.sources[index].kind);
	if (!c || !pooled(*c) || c->pool != PoolKind::Dumb || !c->poolCard.empty())
		return true;
	for (const SinkConfig &sink : config.sinks) {
		if (sink.source == index &&
		    (sink.type == SinkConfig::Type::Kms || sink.type == SinkConfig::Type::GlKms)) {
			c->poolCard = sink.kms.card;
			return true;
		}
	}
	/* Else a GL sink's card: its own buffers are the ones GL imports for
	 * real on every driver (see egl/egl_display.h). */
	for (const SinkConfig &sink : config.sinks) {
		if (sink.source == index && sink.type == SinkConfig::Type::GlHeadless &&
		    !sink.gl.card.empty()) {
			c->poolCard = sink.gl.card;
			return true;
		}
	}
	const SourceTable &table = sourceTables_[index];
	return fail(table.table->source(), table.path + ".pool_card",
		    "required with memory = \"" +
			    std::string(c->memory == CaptureConfig::Memory::Libv4l2 ? "libv4l2"
										    : "dmabuf") +
			    "\" and pool = \"dumb\" when no kms or gl sink names a card");
}

Result<PipelineConfig> SchemaReader::read(const toml::table &root)
{
	PipelineConfig config;
	config.file = file();

	const KeyRule rules[] = {
		{"source", [&](const toml::key &k,
			       const toml::node &v) { return readSources(k, v, config.sources); }},
		{"sink", [&](const toml::key &k,
			     const toml::node &v) { return readSinks(k, v, config.sinks); }},
		{"stage", [&](const toml::key &k,
			      const toml::node &v) { return readStages(k, v, config.stages); }},
	};
	if (!readTable(root, "", "the top level", rules))
		return takeError();

	toml::source_region top;
	top.begin = {1, 1};
	if (!root.contains("source")) {
		fail(top, "source", "required table [source] missing");
		return takeError();
	}
	if (!root.contains("sink")) {
		fail(top, "sink", "no [[sink]] table: a pipeline needs at least one sink");
		return takeError();
	}
	if (!checkSourceNames(config.sources) || !resolveSources(config) || !checkPlanes(config) ||
	    !checkCompositions(config))
		return takeError();
	for (size_t i = 0; i < config.sources.size(); ++i)
		if (!defaultPoolCard(config, i))
			return takeError();
	numberLayoutCells(config);
	return config;
}

} /* namespace primecam::config */
