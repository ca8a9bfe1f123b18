/* SPDX-License-Identifier: MIT */
#include "src/config_schema.h"

namespace primecam::config {

namespace {

constexpr Choice<SinkConfig::Type> kSinkTypes[] = {
	{"kms", SinkConfig::Type::Kms},
	{"null", SinkConfig::Type::Null},
	{"gl-headless", SinkConfig::Type::GlHeadless},
	{"gl-kms", SinkConfig::Type::GlKms},
	{"gl-window", SinkConfig::Type::GlWindow},
};
constexpr Choice<KmsSinkConfig::Placement> kPlacements[] = {
	{"fullscreen", KmsSinkConfig::Placement::Fullscreen},
	{"center", KmsSinkConfig::Placement::Center},
	{"rect", KmsSinkConfig::Placement::Rect},
	{"fit", KmsSinkConfig::Placement::Fit},
	{"fill", KmsSinkConfig::Placement::Fill},
};
/* layout: the sink's place computed from its group of sinks on the card
 * (drm/placement.h), as against placement, which each sink gives alone. */
constexpr Choice<KmsSinkConfig::Placement> kLayouts[] = {
	{"mosaic", KmsSinkConfig::Placement::Mosaic},
	{"pip", KmsSinkConfig::Placement::Pip},
};
constexpr Choice<GlSinkConfig::Platform> kPlatforms[] = {
	{"gbm", GlSinkConfig::Platform::Gbm},
	{"surfaceless", GlSinkConfig::Platform::Surfaceless},
};
constexpr Choice<GlSinkConfig::Texture> kTextures[] = {
	{"2d", GlSinkConfig::Texture::Texture2D},
	{"external", GlSinkConfig::Texture::External},
};
constexpr Choice<GlSinkConfig::Import> kImports[] = {
	{"auto", GlSinkConfig::Import::Auto},
	{"upload", GlSinkConfig::Import::Upload},
};

} /* namespace */

KeyRule SchemaReader::importRule(const std::string &path, GlSinkConfig &gl)
{
	return choiceRule("import", path, kImports, gl.import);
}

bool SchemaReader::readMode(const toml::key &key, const toml::node &value, const std::string &path,
			    std::optional<ModeRequest> &mode)
{
	auto s = string(key, value, path);
	if (!s)
		return false;
	/* Checked here so that a typo is reported with its line rather than
	 * as "no such mode" at run time. */
	mode = ModeRequest::parse(*s);
	if (!mode)
		return fail(key.source(), path,
			    "expected \"WIDTHxHEIGHT\" or \"WIDTHxHEIGHT@RATE\" (such as "
			    "\"640x480\" or \"1920x1080@60\"), got " +
				    quote(*s));
	return true;
}

bool SchemaReader::readKmsSink(const toml::table &table, const std::string &path,
			       KmsSinkConfig &kms, std::span<const KeyRule> common,
			       GlSinkConfig *gl)
{
	std::vector<KeyRule> rules = {
		alreadyRead("type"),
		stringRule("card", path, kms.card),
		{"connector",
		 [&](const toml::key &k, const toml::node &v) {
			 if (v.is_integer()) {
				 auto n = integer(k, v, path + ".connector", 1, UINT32_MAX);
				 if (n)
					 kms.connector = std::to_string(*n);
				 return n.has_value();
			 }
			 if (!v.is_string())
				 return fail(k.source(), path + ".connector",
					     "expected a connector name (such as \"Virtual-1\") or "
					     "id, got " +
						     describeValue(v));
			 auto s = string(k, v, path + ".connector");
			 if (s)
				 kms.connector = *s;
			 return s.has_value();
		 }},
		{"plane",
		 [&](const toml::key &k, const toml::node &v) {
			 if (v.is_integer()) {
				 auto n = integer(k, v, path + ".plane", 1, UINT32_MAX);
				 if (!n)
					 return false;
				 kms.plane = KmsSinkConfig::Plane::Id;
				 kms.planeId = static_cast<uint32_t>(*n);
				 return true;
			 }
			 if (v.is_string() && v.as_string()->get() == "primary") {
				 kms.plane = KmsSinkConfig::Plane::Primary;
				 return true;
			 }
			 if (v.is_string() && v.as_string()->get() == "overlay") {
				 kms.plane = KmsSinkConfig::Plane::Overlay;
				 return true;
			 }
			 return fail(k.source(), path + ".plane",
				     "expected \"primary\", \"overlay\" or a plane id, got " +
					     describeValue(v));
		 }},
		choiceRule("placement", path, kPlacements, kms.placement),
		integerRule("x", path, -kMaxDimension, kMaxDimension, kms.x),
		integerRule("y", path, -kMaxDimension, kMaxDimension, kms.y),
		integerRule("width", path, 1, kMaxDimension, kms.width),
		integerRule("height", path, 1, kMaxDimension, kms.height),
		{"mode",
		 [&](const toml::key &k, const toml::node &v) {
			 return readMode(k, v, path + ".mode", kms.mode);
		 }},
	};
	/* Composition of several sinks on one card: kms sinks on planes of
	 * their own, gl-kms sinks drawn by GL into one buffer. */
	rules.push_back(choiceRule("layout", path, kLayouts, kms.placement));
	if (gl) {
		rules.push_back(matrixRule(path, gl->encoding));
		rules.push_back(rangeRule(path, gl->encoding));
		rules.push_back(importRule(path, *gl));
	} else {
		/* YUV frames on the plane: what it converts them with. */
		rules.push_back(matrixRule(path, kms.encoding));
		rules.push_back(rangeRule(path, kms.encoding));
		rules.push_back(boolRule("accept_plane_encoding", path, kms.acceptPlaneEncoding));
		rules.push_back({"zpos", [&](const toml::key &k, const toml::node &v) {
					 /* The plane's own range is the card's to say (at
					  * configure); here only a negative or absurd
					  * value is a typo. */
					 auto n = integer(k, v, path + ".zpos", 0, UINT32_MAX);
					 if (n)
						 kms.zpos = static_cast<uint64_t>(*n);
					 return n.has_value();
				 }});
	}
	if (!readTable(table, path, gl ? "a gl-kms [[sink]]" : "a kms [[sink]]", rules, common) ||
	    !require(table, path, "card", "a path such as \"/dev/dri/card0\" or a driver name"))
		return false;

	/* One way to say where the picture goes: a layout computes the
	 * sink's place from its group, placement gives it alone. */
	if (table.contains("layout") &&
	    !onlyWith(table, path, "placement", false, "no layout (layout places the sink)"))
		return false;
	bool rect = kms.placement == KmsSinkConfig::Placement::Rect;
	const bool scaled = kms.placement == KmsSinkConfig::Placement::Fit ||
			    kms.placement == KmsSinkConfig::Placement::Fill;
	if (gl && scaled)
		return fail(keyOf(table, "placement")->source(), path + ".placement",
			    "\"fit\" and \"fill\" ask the plane to scale; gl-kms draws into "
			    "buffers of its own size (width, height, or the mode's) and GL "
			    "scales as it draws: use \"fullscreen\" or \"rect\"");
	if (gl) {
		/* GL renders on the display's card, and draws at the size it
		 * scans out: width and height are the rendered output (and, for
		 * a rect, its size on the screen), both or neither. */
		gl->platform = GlSinkConfig::Platform::Gbm;
		gl->card = kms.card;
		gl->width = kms.width;
		gl->height = kms.height;
		for (std::string_view key : {"x", "y"})
			if (!onlyWith(table, path, key, rect, "placement = \"rect\""))
				return false;
		/* A layout draws at the mode's size, each cell where the
		 * layout puts it. */
		for (std::string_view key : {"width", "height"})
			if (table.contains("layout") &&
			    !onlyWith(table, path, key, false,
				      "no layout (a layout draws at the mode's size; mode = "
				      "\"WxH\" chooses it)"))
				return false;
		if (!bothOrNeither(table, path, "width", "height"))
			return false;
		if (rect && !require(table, path, "width", "placement = \"rect\" needs a size"))
			return false;
		if (!rect)
			kms.width = kms.height = 0;
		return true;
	}
	for (std::string_view key : {"x", "y", "width", "height"}) {
		if (!onlyWith(table, path, key, rect, "placement = \"rect\""))
			return false;
	}
	if (rect) {
		if (!require(table, path, "width", "placement = \"rect\" needs a size") ||
		    !require(table, path, "height", "placement = \"rect\" needs a size"))
			return false;
	}
	return true;
}

bool SchemaReader::readGlSink(const toml::table &table, const std::string &path, GlSinkConfig &gl,
			      std::span<const KeyRule> common)
{
	const KeyRule rules[] = {
		alreadyRead("type"),
		choiceRule("platform", path, kPlatforms, gl.platform),
		stringRule("card", path, gl.card),
		integerRule("width", path, 1, kMaxDimension, gl.width),
		integerRule("height", path, 1, kMaxDimension, gl.height),
		matrixRule(path, gl.encoding),
		rangeRule(path, gl.encoding),
		choiceRule("texture", path, kTextures, gl.texture),
		importRule(path, gl),
	};
	if (!readTable(table, path, "a gl-headless [[sink]]", rules, common))
		return false;
	bool gbm = gl.platform == GlSinkConfig::Platform::Gbm;
	if (gbm && !require(table, path, "card",
			    "platform = \"gbm\" renders on a card: a path such as "
			    "\"/dev/dri/card0\" or a driver name"))
		return false;
	return onlyWith(table, path, "card", gbm, "platform = \"gbm\"") &&
	       bothOrNeither(table, path, "width", "height");
}

/* gl-window: the window's title, first size and mode, and the YUV encoding.
 * No platform or card: the window system's EGL display is the one used. */
bool SchemaReader::readGlWindowSink(const toml::table &table, const std::string &path,
				    GlSinkConfig &gl, std::span<const KeyRule> common)
{
	const KeyRule rules[] = {
		alreadyRead("type"),
		stringRule("title", path, gl.title, true),
		integerRule("width", path, 1, kMaxDimension, gl.width),
		integerRule("height", path, 1, kMaxDimension, gl.height),
		boolRule("fullscreen", path, gl.fullscreen),
		matrixRule(path, gl.encoding),
		rangeRule(path, gl.encoding),
	};
	return readTable(table, path, "a gl-window [[sink]]", rules, common) &&
	       bothOrNeither(table, path, "width", "height");
}

bool SchemaReader::readSink(const toml::table &table, const std::string &path, SinkConfig &sink,
			    std::span<const KeyRule> common)
{
	if (!require(table, path, "type",
		     "\"kms\", \"gl-headless\", \"gl-kms\", \"gl-window\" or \"null\""))
		return false;
	auto type = choice(*keyOf(table, "type"), *table.get("type"), path + ".type", kSinkTypes);
	if (!type)
		return false;
	sink.type = *type;

	switch (sink.type) {
	case SinkConfig::Type::Kms:
		return readKmsSink(table, path, sink.kms, common);
	case SinkConfig::Type::GlHeadless:
		return readGlSink(table, path, sink.gl, common);
	case SinkConfig::Type::GlKms:
		return readKmsSink(table, path, sink.kms, common, &sink.gl);
	case SinkConfig::Type::GlWindow:
		return readGlWindowSink(table, path, sink.gl, common);
	case SinkConfig::Type::Null:
		break;
	}
	const KeyRule rules[] = {alreadyRead("type")};
	return readTable(table, path, "a null [[sink]]", rules, common);
}

bool SchemaReader::readSinks(const toml::key &key, const toml::node &node,
			     std::vector<SinkConfig> &sinks)
{
	const toml::array *array = node.as_array();
	if (!array || array->empty())
		return fail(key.source(), "sink",
			    "expected one or more [[sink]] tables, got " + describeValue(node));
	for (size_t i = 0; i < array->size(); ++i) {
		const toml::node &element = *array->get(i);
		std::string path = "sink[" + std::to_string(i) + "]";
		const toml::table *table = element.as_table();
		if (!table) {
			const toml::source_region &where =
				element.source().begin.line ? element.source() : key.source();
			return fail(where, path, "expected a table, got " + describeValue(element));
		}
		SinkConfig &sink = sinks.emplace_back();
		SourceRef &ref = sinkRefs_.emplace_back(SourceRef{path, table, {}, {}});
		const KeyRule common[] = {sourceRefRule(ref)};
		if (!readSink(*table, path, sink, common))
			return false;
	}
	return true;
}

} /* namespace primecam::config */
