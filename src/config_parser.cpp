/* SPDX-License-Identifier: MIT */
#include "src/config_parser.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include <fcntl.h>
/*
 * toml++ 3.3 asserts on input that it goes on to reject cleanly: "[{" (a
 * table header whose key starts with neither a bare-key character nor a
 * quote) trips TOML_ASSERT_ASSUME in parse_key(), which the next lines turn
 * into a proper parse error. Found by tests/fuzz/fuzz_config.cpp; the input
 * is in the seed corpus. With assert() enabled that aborts primecam on a bad
 * config; with NDEBUG it becomes __builtin_assume(false) under clang, which
 * is undefined behaviour. So its internal checks compile to nothing, and
 * NDEBUG is hidden from it so that no check becomes an assumption.
 */
#ifdef NDEBUG
#define PRIMECAM_NDEBUG_WAS_SET
#undef NDEBUG
#endif
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>
#ifdef PRIMECAM_NDEBUG_WAS_SET
#define NDEBUG
#endif
#include <unistd.h>

#include "base/unique_fd.h"

namespace primecam {

namespace {

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
constexpr int64_t kMaxFps = 1000;
/* No real config comes close; a bigger file is a mistake (a video?). */
constexpr size_t kMaxFileSize = 1 << 20;
/* Values quoted in messages are cut: a fuzzer's megabyte string is noise. */
constexpr size_t kMaxQuoted = 48;

/* Printable ASCII as is; anything else escaped, so that a message never
 * carries control characters (a stray \r would hide the start of the line). */
std::string escape(std::string_view text, size_t limit = kMaxQuoted)
{
	std::string out;
	size_t n = std::min(text.size(), limit);
	for (size_t i = 0; i < n; ++i) {
		unsigned char c = static_cast<unsigned char>(text[i]);
		if (c == '"' || c == '\\') {
			out += '\\';
			out += static_cast<char>(c);
		} else if (c >= 0x20 && c < 0x7f) {
			out += static_cast<char>(c);
		} else {
			static const char hex[] = "0123456789abcdef";
			out += "\\x";
			out += hex[c >> 4];
			out += hex[c & 0xf];
		}
	}
	if (text.size() > n)
		out += "...";
	return out;
}

std::string quote(std::string_view text)
{
	return "\"" + escape(text) + "\"";
}

std::string formatDouble(double value)
{
	if (std::isnan(value))
		return "nan";
	if (std::isinf(value))
		return value > 0 ? "inf" : "-inf";
	char buf[64];
	auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
	if (ec != std::errc())
		return "?";
	std::string text(buf, end);
	/* 480.0 is not the integer 480: show that it was written as a float. */
	if (text.find_first_of(".e") == std::string::npos)
		text += ".0";
	return text;
}

/* The value as the user wrote it (near enough), for "got ..." in messages. */
std::string describeValue(const toml::node &node)
{
	switch (node.type()) {
	case toml::node_type::string:
		return quote(node.as_string()->get());
	case toml::node_type::integer:
		return std::to_string(node.as_integer()->get());
	case toml::node_type::floating_point:
		return formatDouble(node.as_floating_point()->get());
	case toml::node_type::boolean:
		return node.as_boolean()->get() ? "true" : "false";
	case toml::node_type::table:
		return "a table";
	case toml::node_type::array:
		return "an array";
	case toml::node_type::date:
		return "a date";
	case toml::node_type::time:
		return "a time";
	case toml::node_type::date_time:
		return "a date-time";
	case toml::node_type::none:
		break;
	}
	return "nothing";
}

/* Edit distance, for "did you mean" on unknown keys. */
size_t editDistance(std::string_view a, std::string_view b)
{
	std::vector<size_t> row(b.size() + 1);
	for (size_t j = 0; j <= b.size(); ++j)
		row[j] = j;
	for (size_t i = 1; i <= a.size(); ++i) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= b.size(); ++j) {
			size_t above = row[j];
			row[j] = std::min({row[j] + 1, row[j - 1] + 1,
					   diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
			diagonal = above;
		}
	}
	return row[b.size()];
}

/* A table's entries in file order: the first error reported is then the
 * first in the file, and V4L2 controls are set in the order written
 * (toml++ keeps keys sorted by name). */
std::vector<std::pair<const toml::key *, const toml::node *>> inFileOrder(const toml::table &table)
{
	std::vector<std::pair<const toml::key *, const toml::node *>> entries;
	for (auto &&[key, value] : table)
		entries.emplace_back(&key, &value);
	std::stable_sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) {
		const toml::source_position &pa = a.first->source().begin;
		const toml::source_position &pb = b.first->source().begin;
		return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
	});
	return entries;
}

/* One accepted key of a table and what to do with its value. */
struct KeyRule {
	std::string_view name;
	std::function<bool(const toml::key &key, const toml::node &value)> read;
};

/*
 * Walks a parsed document into a PipelineConfig. Every check that fails
 * records the first error (with the position of the key it is about) and
 * returns false, which unwinds the walk.
 */
class ConfigReader
{
public:
	explicit ConfigReader(std::string_view file) : file_(file) {}

	Result<PipelineConfig> read(const toml::table &root);

private:
	bool fail(const toml::source_region &where, std::string_view path, std::string_view what);

	bool readTable(const toml::table &table, const std::string &path, std::string_view takes,
		       std::span<const KeyRule> rules);
	bool require(const toml::table &table, const std::string &path, std::string_view key,
		     std::string_view why);
	bool onlyWith(const toml::table &table, const std::string &path, std::string_view key,
		      bool allowed, std::string_view condition);
	const toml::key *keyOf(const toml::table &table, std::string_view key) const;

	std::optional<std::string> string(const toml::key &key, const toml::node &value,
					  const std::string &path, bool allowEmpty = false);
	std::optional<int64_t> integer(const toml::key &key, const toml::node &value,
				       const std::string &path, int64_t min, int64_t max);
	std::optional<size_t> choice(const toml::key &key, const toml::node &value,
				     const std::string &path,
				     std::initializer_list<std::string_view> choices);

	bool readSource(const toml::key &key, const toml::node &node, SourceConfig &source);
	bool finishLibcameraSource(const toml::table &table, const std::string &path,
				   const std::optional<std::string> &camera, SourceConfig &source);
	bool readSinks(const toml::key &key, const toml::node &node,
		       std::vector<SinkConfig> &sinks);
	bool readStages(const toml::key &key, const toml::node &node,
			std::vector<StageConfig> &stages);
	bool readStage(const toml::table &table, const std::string &path, StageConfig &stage);
	bool readSink(const toml::table &table, const std::string &path, SinkConfig &sink);
	/* gl: for a gl-kms [[sink]], which also takes the GL keys and where
	 * width/height are the rendered size. */
	bool readKmsSink(const toml::table &table, const std::string &path, KmsSinkConfig &kms,
			 GlSinkConfig *gl = nullptr);
	bool readGlSink(const toml::table &table, const std::string &path, GlSinkConfig &gl);
	bool readGlWindowSink(const toml::table &table, const std::string &path, GlSinkConfig &gl);
	bool readMode(const toml::key &key, const toml::node &value, const std::string &path,
		      std::string &mode);
	/* Rules for the common kinds of key: an integer in [min, max] and a
	 * string (empty only if allowed), stored into field. */
	template<typename T>
	KeyRule integerRule(std::string_view name, const std::string &path, int64_t min,
			    int64_t max, T &field);
	KeyRule stringRule(std::string_view name, const std::string &path, std::string &field,
			   bool allowEmpty = false);
	/* The keys that override a YUV frame's own encoding. */
	KeyRule matrixRule(const std::string &path, YuvEncodingChoice &encoding);
	KeyRule rangeRule(const std::string &path, YuvEncodingChoice &encoding);
	/* V4L2 controls by name, in file order: a source's or an m2m stage's. */
	KeyRule controlsRule(const std::string &path,
			     std::vector<std::pair<std::string, int64_t>> &controls);

	/* Every path that returns false recorded an error first; the
	 * fallback only guards against a reader bug passing as success. */
	Error takeError()
	{
		return error_ ? std::move(*error_) : Error{EINVAL, file_ + ": invalid config"};
	}

	std::string file_;
	std::optional<Error> error_;
};

bool ConfigReader::fail(const toml::source_region &where, std::string_view path,
			std::string_view what)
{
	if (error_)
		return false;
	std::string message = file_;
	/* toml++ marks a position it does not know with line 0 (a table that
	 * only exists through a dotted key); the file name still helps. */
	if (where.begin.line) {
		message += ":" + std::to_string(where.begin.line) + ":" +
			   std::to_string(where.begin.column);
	}
	message += ": ";
	if (!path.empty()) {
		message += path;
		message += ": ";
	}
	message += what;
	error_ = Error{EINVAL, std::move(message)};
	return false;
}

const toml::key *ConfigReader::keyOf(const toml::table &table, std::string_view key) const
{
	auto it = table.find(key);
	return it == table.end() ? nullptr : &it->first;
}

bool ConfigReader::readTable(const toml::table &table, const std::string &path,
			     std::string_view takes, std::span<const KeyRule> rules)
{
	/* Not a structured binding: clang 14 cannot capture one in a lambda. */
	for (const auto &entry : inFileOrder(table)) {
		const toml::key *key = entry.first;
		const toml::node *value = entry.second;
		auto rule = std::find_if(rules.begin(), rules.end(),
					 [&](const KeyRule &r) { return r.name == key->str(); });
		if (rule != rules.end()) {
			if (!rule->read(*key, *value))
				return false;
			continue;
		}

		std::string what = "unknown key; " + std::string(takes) + " takes ";
		std::string_view closest;
		size_t best = 3; /* more edits than this is not a typo */
		for (size_t i = 0; i < rules.size(); ++i) {
			what += (i == 0 ? "" : i + 1 == rules.size() ? " and " : ", ");
			what += rules[i].name;
			size_t d = editDistance(key->str(), rules[i].name);
			if (d < best) {
				best = d;
				closest = rules[i].name;
			}
		}
		if (!closest.empty())
			what += " (did you mean " + std::string(closest) + "?)";
		std::string name = escape(key->str());
		return fail(key->source(), path.empty() ? name : path + "." + name, what);
	}
	return true;
}

bool ConfigReader::require(const toml::table &table, const std::string &path, std::string_view key,
			   std::string_view why)
{
	if (table.contains(key))
		return true;
	std::string what = "required key missing";
	if (!why.empty())
		what += " (" + std::string(why) + ")";
	return fail(table.source(), path + "." + std::string(key), what);
}

bool ConfigReader::onlyWith(const toml::table &table, const std::string &path, std::string_view key,
			    bool allowed, std::string_view condition)
{
	const toml::key *k = keyOf(table, key);
	if (!k || allowed)
		return true;
	return fail(k->source(), path + "." + std::string(key),
		    "only used with " + std::string(condition) + "; remove it or change that key");
}

std::optional<std::string> ConfigReader::string(const toml::key &key, const toml::node &value,
						const std::string &path, bool allowEmpty)
{
	if (!value.is_string()) {
		fail(key.source(), path, "expected a string, got " + describeValue(value));
		return std::nullopt;
	}
	const std::string &text = value.as_string()->get();
	if (text.empty() && !allowEmpty) {
		fail(key.source(), path, "must not be empty");
		return std::nullopt;
	}
	/* The value goes to open() and ioctl names, which stop at a NUL. */
	if (text.find('\0') != std::string::npos) {
		fail(key.source(), path, "contains a NUL character: " + quote(text));
		return std::nullopt;
	}
	return text;
}

std::optional<int64_t> ConfigReader::integer(const toml::key &key, const toml::node &value,
					     const std::string &path, int64_t min, int64_t max)
{
	std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
	if (!value.is_integer()) {
		fail(key.source(), path, "expected " + range + ", got " + describeValue(value));
		return std::nullopt;
	}
	int64_t n = value.as_integer()->get();
	if (n < min || n > max) {
		fail(key.source(), path, "expected " + range + ", got " + std::to_string(n));
		return std::nullopt;
	}
	return n;
}

template<typename T>
KeyRule ConfigReader::integerRule(std::string_view name, const std::string &path, int64_t min,
				  int64_t max, T &field)
{
	return {name,
		[this, name, &path, min, max, &field](const toml::key &k, const toml::node &v) {
			auto n = integer(k, v, path + "." + std::string(name), min, max);
			if (n)
				field = static_cast<T>(*n);
			return n.has_value();
		}};
}

KeyRule ConfigReader::stringRule(std::string_view name, const std::string &path, std::string &field,
				 bool allowEmpty)
{
	return {name,
		[this, name, &path, &field, allowEmpty](const toml::key &k, const toml::node &v) {
			auto s = string(k, v, path + "." + std::string(name), allowEmpty);
			if (s)
				field = *s;
			return s.has_value();
		}};
}

KeyRule ConfigReader::matrixRule(const std::string &path, YuvEncodingChoice &encoding)
{
	return {"matrix", [this, &path, &encoding](const toml::key &k, const toml::node &v) {
			auto i = choice(k, v, path + ".matrix", {"bt601", "bt709", "bt2020"});
			if (i)
				encoding.matrix = static_cast<YuvMatrix>(*i);
			return i.has_value();
		}};
}

KeyRule ConfigReader::rangeRule(const std::string &path, YuvEncodingChoice &encoding)
{
	return {"range", [this, &path, &encoding](const toml::key &k, const toml::node &v) {
			auto i = choice(k, v, path + ".range", {"limited", "full"});
			if (i)
				encoding.range = static_cast<YuvRange>(*i);
			return i.has_value();
		}};
}

KeyRule ConfigReader::controlsRule(const std::string &path,
				   std::vector<std::pair<std::string, int64_t>> &controlList)
{
	return {"controls", [this, path, &controlList](const toml::key &k, const toml::node &v) {
			const toml::table *controls = v.as_table();
			if (!controls)
				return fail(k.source(), path + ".controls",
					    "expected a table of control names and values "
					    "([" + path +
						    ".controls]), got " + describeValue(v));
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

std::optional<size_t> ConfigReader::choice(const toml::key &key, const toml::node &value,
					   const std::string &path,
					   std::initializer_list<std::string_view> choices)
{
	if (value.is_string()) {
		const std::string &text = value.as_string()->get();
		for (size_t i = 0; i < choices.size(); ++i) {
			if (choices.begin()[i] == text)
				return i;
		}
	}
	std::string what = "expected ";
	for (size_t i = 0; i < choices.size(); ++i) {
		what += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ");
		what += quote(choices.begin()[i]);
	}
	fail(key.source(), path, what + ", got " + describeValue(value));
	return std::nullopt;
}

bool ConfigReader::readSource(const toml::key &key, const toml::node &node, SourceConfig &source)
{
	const std::string path = "source";
	const toml::table *table = node.as_table();
	if (!table)
		return fail(key.source(), path,
			    "expected a table ([source]), got " + describeValue(node));

	/* The type decides which keys the table takes. */
	if (!require(*table, path, "type", "type = \"v4l2\" or \"libcamera\""))
		return false;

	CaptureConfig &c = source.v4l2;
	std::optional<std::string> camera;
	const KeyRule rules[] = {
		{"type",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".type", {"v4l2", "libcamera"});
			 if (i)
				 source.type = static_cast<SourceConfig::Type>(*i);
			 return i.has_value();
		 }},
		stringRule("device", path, c.device),
		{"api",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".api",
					 {"auto", "single-planar", "multi-planar"});
			 if (i)
				 c.api = static_cast<CaptureConfig::Api>(*i);
			 return i.has_value();
		 }},
		{"format",
		 [&](const toml::key &k, const toml::node &v) {
			 auto s = string(k, v, path + ".format");
			 if (!s)
				 return false;
			 c.format = formatByName(*s);
			 if (!c.format)
				 return fail(
					 k.source(), path + ".format",
					 "unknown pixel format " + quote(*s) +
						 " (a DRM name such as \"XRGB8888\" or a "
						 "fourcc such as \"XR24\"; see configs/README.md)");
			 source.nonContiguous =
				 c.format->v4l2Mplane && fourccToString(c.format->v4l2Mplane) == *s;
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
		{"memory",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".memory", {"mmap", "dmabuf", "libv4l2"});
			 if (i)
				 c.memory = static_cast<CaptureConfig::Memory>(*i);
			 return i.has_value();
		 }},
		{"pool",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".pool", {"dumb", "dma-heap", "udmabuf"});
			 if (i)
				 c.pool = static_cast<CaptureConfig::Pool>(*i);
			 return i.has_value();
		 }},
		stringRule("pool_card", path, c.poolCard),
		controlsRule(path, c.controls),
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
	if (!readTable(*table, path, "[source]", rules))
		return false;

	if (source.type == SourceConfig::Type::Libcamera)
		return finishLibcameraSource(*table, path, camera, source);
	if (!onlyWith(*table, path, "camera", false, "type = \"libcamera\""))
		return false;

	if (!require(*table, path, "device", "a path such as \"/dev/video0\" or a driver name") ||
	    !require(*table, path, "format", "such as \"XRGB8888\"") ||
	    !require(*table, path, "width", "") || !require(*table, path, "height", ""))
		return false;

	/* One buffer per colour plane exists only in the multi-planar API. */
	if (source.nonContiguous && c.api == CaptureConfig::Api::SinglePlanar)
		return fail(keyOf(*table, "format")->source(), path + ".format",
			    quote(fourccToString(c.format->v4l2Mplane)) +
				    " is a one-buffer-per-plane fourcc of the multi-planar API; it "
				    "needs api = \"multi-planar\" or \"auto\"");

	/* libv4l2 converts through the single-planar API only, into one
	 * contiguous buffer per frame. */
	const bool libv4l2 = c.memory == CaptureConfig::Memory::Libv4l2;
	if (libv4l2 && c.api == CaptureConfig::Api::MultiPlanar)
		return fail(keyOf(*table, "api")->source(), path + ".api",
			    "memory = \"libv4l2\" converts through the single-planar API only; "
			    "use api = \"single-planar\" or \"auto\"");
	if (libv4l2 && source.nonContiguous)
		return fail(keyOf(*table, "format")->source(), path + ".format",
			    quote(fourccToString(c.format->v4l2Mplane)) +
				    " is a one-buffer-per-plane fourcc; memory = \"libv4l2\" "
				    "delivers one contiguous buffer per frame");

	/* Both take their buffers from a pool: DMABUF capture imports them,
	 * libv4l2 emulation copies every frame into them. */
	const bool pooled = c.memory == CaptureConfig::Memory::Dmabuf || libv4l2;
	return onlyWith(*table, path, "pool", pooled, "memory = \"dmabuf\" or \"libv4l2\"") &&
	       onlyWith(*table, path, "pool_card", pooled && c.pool == CaptureConfig::Pool::Dumb,
			"memory = \"dmabuf\" or \"libv4l2\", and pool = \"dumb\"");
}

bool ConfigReader::finishLibcameraSource(const toml::table &table, const std::string &path,
					 const std::optional<std::string> &camera,
					 SourceConfig &source)
{
	/* libcamera chooses the device nodes, the buffer memory and the
	 * rate: the V4L2 keys have no meaning here, and a key that silently
	 * did nothing would mislead. */
	for (std::string_view key :
	     {"device", "api", "fps", "memory", "pool", "pool_card", "controls"})
		if (!onlyWith(table, path, key, false, "type = \"v4l2\""))
			return false;
	if (!require(table, path, "format", "such as \"BGR888\"") ||
	    !require(table, path, "width", "") || !require(table, path, "height", ""))
		return false;

	const CaptureConfig &c = source.v4l2;
	if (source.nonContiguous)
		return fail(keyOf(table, "format")->source(), path + ".format",
			    quote(fourccToString(c.format->v4l2Mplane)) +
				    " is a V4L2 one-buffer-per-plane fourcc; libcamera names "
				    "formats by DRM fourcc (\"" +
				    std::string(c.format->name) + "\")");
	if (!c.format->drm)
		return fail(keyOf(table, "format")->source(), path + ".format",
			    std::string(c.format->name) +
				    " has no DRM fourcc, and libcamera names its formats by "
				    "DRM fourcc; `primecam list` shows what a camera offers");
	LibcameraConfig &lc = source.libcamera;
	lc.camera = camera.value_or("");
	lc.format = c.format;
	lc.width = c.width;
	lc.height = c.height;
	lc.buffers = c.buffers;
	return true;
}

bool ConfigReader::readMode(const toml::key &key, const toml::node &value, const std::string &path,
			    std::string &mode)
{
	auto s = string(key, value, path);
	if (!s)
		return false;

	/* WIDTHxHEIGHT[@RATE], all decimal, checked here so that a typo is
	 * reported with its line rather than as "no such mode" at run time. */
	auto number = [](std::string_view &text, int64_t max) -> std::optional<int64_t> {
		int64_t n = 0;
		auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
		if (ec != std::errc() || end == text.data() || n < 1 || n > max)
			return std::nullopt;
		text.remove_prefix(static_cast<size_t>(end - text.data()));
		return n;
	};
	std::string_view text = *s;
	bool good = !text.empty() && text[0] != '+' && text[0] != '-';
	good = good && number(text, kMaxDimension) && !text.empty() && text[0] == 'x';
	if (good) {
		text.remove_prefix(1);
		good = !text.empty() && text[0] != '+' && text[0] != '-' &&
		       number(text, kMaxDimension);
	}
	if (good && !text.empty()) {
		good = text[0] == '@';
		text.remove_prefix(1);
		good = good && !text.empty() && text[0] != '+' && text[0] != '-' &&
		       number(text, kMaxFps) && text.empty();
	}
	if (!good)
		return fail(key.source(), path,
			    "expected \"WIDTHxHEIGHT\" or \"WIDTHxHEIGHT@RATE\" (such as "
			    "\"640x480\" or \"1920x1080@60\"), got " +
				    quote(*s));
	mode = *s;
	return true;
}

bool ConfigReader::readKmsSink(const toml::table &table, const std::string &path,
			       KmsSinkConfig &kms, GlSinkConfig *gl)
{
	std::vector<KeyRule> rules = {
		{"type", [](const toml::key &, const toml::node &) { return true; }},
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
		{"placement",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".placement",
					 {"fullscreen", "center", "rect"});
			 if (i)
				 kms.placement = static_cast<KmsSinkConfig::Placement>(*i);
			 return i.has_value();
		 }},
		integerRule("x", path, -kMaxDimension, kMaxDimension, kms.x),
		integerRule("y", path, -kMaxDimension, kMaxDimension, kms.y),
		integerRule("width", path, 1, kMaxDimension, kms.width),
		integerRule("height", path, 1, kMaxDimension, kms.height),
		{"mode",
		 [&](const toml::key &k, const toml::node &v) {
			 return readMode(k, v, path + ".mode", kms.mode);
		 }},
	};
	if (gl) {
		rules.push_back(matrixRule(path, gl->encoding));
		rules.push_back(rangeRule(path, gl->encoding));
		rules.push_back(
			{"import", [&](const toml::key &k, const toml::node &v) {
				 auto i = choice(k, v, path + ".import", {"auto", "upload"});
				 if (i)
					 gl->import = static_cast<GlSinkConfig::Import>(*i);
				 return i.has_value();
			 }});
	}
	if (!readTable(table, path, gl ? "a gl-kms [[sink]]" : "a kms [[sink]]", rules) ||
	    !require(table, path, "card", "a path such as \"/dev/dri/card0\" or a driver name"))
		return false;

	bool rect = kms.placement == KmsSinkConfig::Placement::Rect;
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
		if (table.contains("width") != table.contains("height"))
			return require(table, path, table.contains("width") ? "height" : "width",
				       "width and height go together");
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

bool ConfigReader::readGlSink(const toml::table &table, const std::string &path, GlSinkConfig &gl)
{
	const KeyRule rules[] = {
		{"type", [](const toml::key &, const toml::node &) { return true; }},
		{"platform",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".platform", {"gbm", "surfaceless"});
			 if (i)
				 gl.platform = static_cast<GlSinkConfig::Platform>(*i);
			 return i.has_value();
		 }},
		stringRule("card", path, gl.card),
		integerRule("width", path, 1, kMaxDimension, gl.width),
		integerRule("height", path, 1, kMaxDimension, gl.height),
		matrixRule(path, gl.encoding),
		rangeRule(path, gl.encoding),
		{"texture",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".texture", {"2d", "external"});
			 if (i)
				 gl.texture = static_cast<GlSinkConfig::Texture>(*i);
			 return i.has_value();
		 }},
		{"import",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".import", {"auto", "upload"});
			 if (i)
				 gl.import = static_cast<GlSinkConfig::Import>(*i);
			 return i.has_value();
		 }},
	};
	if (!readTable(table, path, "a gl-headless [[sink]]", rules))
		return false;
	bool gbm = gl.platform == GlSinkConfig::Platform::Gbm;
	if (gbm && !require(table, path, "card",
			    "platform = \"gbm\" renders on a card: a path such as "
			    "\"/dev/dri/card0\" or a driver name"))
		return false;
	if (!onlyWith(table, path, "card", gbm, "platform = \"gbm\""))
		return false;
	/* A size is both or neither: half of one is a typo, not a default. */
	if (table.contains("width") != table.contains("height"))
		return require(table, path, table.contains("width") ? "height" : "width",
			       "width and height go together");
	return true;
}

/* gl-window: the window's title, first size and mode, and the YUV encoding.
 * No platform or card: the window system's EGL display is the one used. */
bool ConfigReader::readGlWindowSink(const toml::table &table, const std::string &path,
				    GlSinkConfig &gl)
{
	const KeyRule rules[] = {
		{"type", [](const toml::key &, const toml::node &) { return true; }},
		stringRule("title", path, gl.title, true),
		integerRule("width", path, 1, kMaxDimension, gl.width),
		integerRule("height", path, 1, kMaxDimension, gl.height),
		{"fullscreen",
		 [&](const toml::key &k, const toml::node &v) {
			 if (!v.is_boolean())
				 return fail(k.source(), path + ".fullscreen",
					     "expected true or false, got " + describeValue(v));
			 gl.fullscreen = v.as_boolean()->get();
			 return true;
		 }},
		matrixRule(path, gl.encoding),
		rangeRule(path, gl.encoding),
	};
	if (!readTable(table, path, "a gl-window [[sink]]", rules))
		return false;
	if (table.contains("width") != table.contains("height"))
		return require(table, path, table.contains("width") ? "height" : "width",
			       "width and height go together");
	return true;
}

bool ConfigReader::readSink(const toml::table &table, const std::string &path, SinkConfig &sink)
{
	if (!require(table, path, "type",
		     "\"kms\", \"gl-headless\", \"gl-kms\", \"gl-window\" or \"null\""))
		return false;
	const toml::key &typeKey = *keyOf(table, "type");
	auto type = choice(typeKey, *table.get("type"), path + ".type",
			   {"kms", "null", "gl-headless", "gl-kms", "gl-window"});
	if (!type)
		return false;
	sink.type = static_cast<SinkConfig::Type>(*type);

	if (sink.type == SinkConfig::Type::Kms)
		return readKmsSink(table, path, sink.kms);
	if (sink.type == SinkConfig::Type::GlHeadless)
		return readGlSink(table, path, sink.gl);
	if (sink.type == SinkConfig::Type::GlKms)
		return readKmsSink(table, path, sink.kms, &sink.gl);
	if (sink.type == SinkConfig::Type::GlWindow)
		return readGlWindowSink(table, path, sink.gl);

	const KeyRule rules[] = {
		{"type", [](const toml::key &, const toml::node &) { return true; }},
	};
	return readTable(table, path, "a null [[sink]]", rules);
}

bool ConfigReader::readStage(const toml::table &table, const std::string &path, StageConfig &stage)
{
	if (!require(table, path, "type",
		     "\"invert\", \"grayscale\", \"overlay\", \"luma\", \"convert\" or \"m2m\""))
		return false;
	const toml::key &typeKey = *keyOf(table, "type");
	auto type = choice(typeKey, *table.get("type"), path + ".type",
			   {"invert", "grayscale", "overlay", "luma", "convert", "m2m"});
	if (!type)
		return false;
	stage.type = static_cast<StageConfig::Type>(*type);
	bool convert = stage.type == StageConfig::Type::Convert;
	bool m2m = stage.type == StageConfig::Type::M2m;

	const KeyRule rules[] = {
		{"type", [](const toml::key &, const toml::node &) { return true; }},
		{"format",
		 [&](const toml::key &k, const toml::node &v) {
			 auto s = string(k, v, path + ".format");
			 if (!s)
				 return false;
			 stage.format = formatByName(*s);
			 if (!stage.format)
				 return fail(
					 k.source(), path + ".format",
					 "unknown pixel format " + quote(*s) +
						 " (such as \"XRGB8888\"; see configs/README.md)");
			 return true;
		 }},
		matrixRule(path, stage.encoding),
		rangeRule(path, stage.encoding),
		{"pool",
		 [&](const toml::key &k, const toml::node &v) {
			 auto i = choice(k, v, path + ".pool", {"dumb", "dma-heap", "udmabuf"});
			 if (i)
				 stage.pool = static_cast<PoolKind>(*i);
			 return i.has_value();
		 }},
		stringRule("pool_card", path, stage.poolCard),
		integerRule("buffers", path, kMinBuffers, kMaxBuffers, stage.buffers),
		integerRule("scale", path, 1, 16, stage.scale),
		stringRule("device", path, stage.m2m.device),
		integerRule("width", path, 1, kMaxDimension, stage.m2m.width),
		integerRule("height", path, 1, kMaxDimension, stage.m2m.height),
		controlsRule(path, stage.m2m.controls),
	};
	if (!readTable(table, path, "a [[stage]]", rules))
		return false;

	bool overlay = stage.type == StageConfig::Type::Overlay;
	for (std::string_view key : {"format", "buffers"})
		if (!onlyWith(table, path, key, convert || m2m, "type = \"convert\" or \"m2m\""))
			return false;
	for (std::string_view key : {"matrix", "range", "pool"})
		if (!onlyWith(table, path, key, convert, "type = \"convert\""))
			return false;
	for (std::string_view key : {"device", "width", "height", "controls"})
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
		stage.m2m.buffers = stage.buffers;
		return true;
	}
	if (!onlyWith(table, path, "scale", overlay, "type = \"overlay\"") ||
	    !onlyWith(table, path, "pool_card", convert && stage.pool == PoolKind::Dumb,
		      "type = \"convert\" and pool = \"dumb\""))
		return false;
	if (convert) {
		if (!stage.format)
			stage.format = formatByName("XRGB8888");
		bool target = false;
		for (const PixelFormatInfo *t : conversionTargets())
			target = target || t == stage.format;
		if (!target) {
			std::string names;
			for (const PixelFormatInfo *t : conversionTargets())
				names += (names.empty() ? "" : ", ") + std::string(t->name);
			return fail(keyOf(table, "format")->source(), path + ".format",
				    "convert cannot write " + std::string(stage.format->name) +
					    "; it writes " + names);
		}
	}
	return true;
}

bool ConfigReader::readStages(const toml::key &key, const toml::node &node,
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
		if (!readStage(*table, path, stage))
			return false;
	}
	return true;
}

bool ConfigReader::readSinks(const toml::key &key, const toml::node &node,
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
		if (!readSink(*table, path, sink))
			return false;
	}
	return true;
}

Result<PipelineConfig> ConfigReader::read(const toml::table &root)
{
	PipelineConfig config;
	config.file = file_;

	const KeyRule rules[] = {
		{"source", [&](const toml::key &k,
			       const toml::node &v) { return readSource(k, v, config.source); }},
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

	/* A dumb-buffer pool defaults to the display's card: buffers allocated
	 * by the card that scans them out always import there. */
	CaptureConfig &c = config.source.v4l2;
	const bool pooled = c.memory == CaptureConfig::Memory::Dmabuf ||
			    c.memory == CaptureConfig::Memory::Libv4l2;
	if (pooled && c.pool == CaptureConfig::Pool::Dumb && c.poolCard.empty()) {
		for (const SinkConfig &sink : config.sinks) {
			if (sink.type == SinkConfig::Type::Kms ||
			    sink.type == SinkConfig::Type::GlKms) {
				c.poolCard = sink.kms.card;
				break;
			}
		}
		/* Else a GL sink's card: its own buffers are the ones GL imports
		 * for real on every driver (see egl/egl_display.h). */
		for (const SinkConfig &sink : config.sinks) {
			if (c.poolCard.empty() && sink.type == SinkConfig::Type::GlHeadless &&
			    !sink.gl.card.empty())
				c.poolCard = sink.gl.card;
		}
		if (c.poolCard.empty()) {
			fail(root.get("source")->source(), "source.pool_card",
			     "required with memory = \"" +
				     std::string(c.memory == CaptureConfig::Memory::Libv4l2
							 ? "libv4l2"
							 : "dmabuf") +
				     "\" and pool = \"dumb\" when no kms or gl sink names a card");
			return takeError();
		}
	}
	return config;
}

/*
 * toml++ 3.3's is_non_ascii_horizontal_whitespace() (unicode_autogenerated.h)
 * reaches TOML_UNREACHABLE (__builtin_unreachable: undefined behaviour) for
 * most code points of three of its 64 blocks of 0x3FA: U+00A0-U+0499,
 * U+2C6E-U+3067 and U+FB26-U+FEFF, except the three it names (U+00A0,
 * U+3000, U+FEFF). Its parser asks that question of characters it scans as
 * keys, values or value terminators, and after a backslash in a multi-line
 * string; the fuzzer found it twice (U+FED9 at the start of a file, U+0430
 * after "+\""). This mirrors its arithmetic.
 */
bool tomlMishandles(char32_t c)
{
	if (c < 0xA0 || c > 0xFEFF)
		return false;
	uint64_t child = (static_cast<uint64_t>(c) - 0xA0) / 0x3FA;
	if ((uint64_t{1} << child) & 0x7FFFFFFFFFFFF75Eull)
		return false; /* answered from the bit mask */
	if (c == 0xA0 || c == 0x3000 || c == 0xFEFF)
		return false;
	return child != 5 && child != 7; /* the two blocks its switch handles */
}

/* One UTF-8 sequence at text[i]; 0 and length 0 when it is not valid. */
char32_t decodeUtf8(std::string_view text, size_t i, size_t &length)
{
	auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
	unsigned char b0 = byte(i);
	length = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
	if (!length || i + length > text.size()) {
		length = 0;
		return 0;
	}
	char32_t c = length == 1 ? b0 : b0 & (0x7f >> length);
	for (size_t k = 1; k < length; ++k) {
		if ((byte(i + k) & 0xc0) != 0x80) {
			length = 0;
			return 0;
		}
		c = (c << 6) | (byte(i + k) & 0x3f);
	}
	return c;
}

/*
 * Refuses the characters toml++ would mishandle, before it sees the text,
 * except in comments, where people write them ("# Grüße") and toml++ only
 * looks for the end of the line. Not in strings: toml++ scans a malformed
 * value such as +"а" as a number, whose terminator check is the faulty one,
 * so a string is only safe where toml++ agrees it is one. Tracks TOML's
 * strings so that a '#' inside one does not start a comment. Where toml++
 * stops at an error (invalid UTF-8) nothing after it is read, so stopping
 * there is enough.
 */
std::optional<Error> checkCharacters(std::string_view text, std::string_view fileName)
{
	enum class State {
		Normal,
		Comment,
		Basic,
		Literal,
		MultiBasic,
		MultiLiteral
	};
	State state = State::Normal;
	uint32_t line = 1, column = 0;
	bool escaped = false;
	for (size_t i = 0; i < text.size();) {
		size_t length;
		char32_t c = decodeUtf8(text, i, length);
		if (!length)
			return std::nullopt; /* toml++ reports invalid UTF-8 here */
		auto next = [&](size_t k) { return i + k < text.size() ? text[i + k] : '\0'; };
		++column;

		if (tomlMishandles(c) && state != State::Comment) {
			char code[16];
			snprintf(code, sizeof(code), "U+%04X", static_cast<unsigned>(c));
			return Error{EINVAL,
				     std::string(fileName) + ":" + std::to_string(line) + ":" +
					     std::to_string(column) + ": character " + code +
					     " is only allowed in comments (the TOML library, "
					     "toml++ 3.3, mishandles it elsewhere)"};
		}

		size_t advance = length;
		if (escaped) {
			escaped = false;
		} else if (c == '\n') {
			/* One-line strings and comments end here (an unterminated
			 * string is toml++'s error). */
			if (state == State::Comment || state == State::Basic ||
			    state == State::Literal)
				state = State::Normal;
		} else if (state == State::Normal) {
			if (c == '#') {
				state = State::Comment;
			} else if (c == '"' || c == '\'') {
				bool multi = next(1) == static_cast<char>(c) &&
					     next(2) == static_cast<char>(c);
				state = c == '"' ? (multi ? State::MultiBasic : State::Basic)
						 : (multi ? State::MultiLiteral : State::Literal);
				advance = multi ? 3 : 1;
			}
		} else if (state == State::Basic || state == State::MultiBasic) {
			if (c == '\\') {
				escaped = true;
			} else if (c == '"') {
				if (state == State::Basic) {
					state = State::Normal;
				} else if (next(1) == '"' && next(2) == '"') {
					/* """ closes; up to two more quotes are content. */
					advance = 3;
					while (advance < 5 && next(advance) == '"')
						++advance;
					state = State::Normal;
				}
			}
		} else if (state == State::Literal || state == State::MultiLiteral) {
			if (c == '\'') {
				if (state == State::Literal) {
					state = State::Normal;
				} else if (next(1) == '\'' && next(2) == '\'') {
					advance = 3;
					while (advance < 5 && next(advance) == '\'')
						++advance;
					state = State::Normal;
				}
			}
		}
		column += static_cast<uint32_t>(advance > length ? advance - 1 : 0);
		if (c == '\n') {
			++line;
			column = 0;
		}
		i += advance;
	}
	return std::nullopt;
}

} /* namespace */

Result<PipelineConfig> parseConfig(std::string_view text, std::string_view fileName)
{
	if (std::optional<Error> error = checkCharacters(text, fileName))
		return std::move(*error);
	toml::parse_result parsed = toml::parse(text, fileName);
	if (!parsed) {
		const toml::parse_error &err = parsed.error();
		std::string message(fileName);
		if (err.source().begin.line) {
			message += ":" + std::to_string(err.source().begin.line) + ":" +
				   std::to_string(err.source().begin.column);
		}
		message += ": ";
		message += escape(err.description(), SIZE_MAX);
		return Error{EINVAL, std::move(message)};
	}
	ConfigReader reader(fileName);
	return reader.read(parsed.table());
}

Result<PipelineConfig> loadConfigFile(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		return Error::fromErrno(errno, "opening config file " + path);

	std::string text;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return Error::fromErrno(errno, "reading config file " + path);
		if (n == 0)
			break;
		text.append(buf, static_cast<size_t>(n));
		if (text.size() > kMaxFileSize)
			return Error{EFBIG, path + ": larger than " + std::to_string(kMaxFileSize) +
						    " bytes; not a pipeline config"};
	}
	return parseConfig(text, path);
}

} /* namespace primecam */
