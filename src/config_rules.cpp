/* SPDX-License-Identifier: MIT */
#include "src/config_rules.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>

namespace primecam::config {

namespace {

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

} /* namespace */

std::string escape(std::string_view text, size_t limit)
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

bool RuleReader::fail(const toml::source_region &where, std::string_view path,
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

const toml::key *RuleReader::keyOf(const toml::table &table, std::string_view key) const
{
	auto it = table.find(key);
	return it == table.end() ? nullptr : &it->first;
}

bool RuleReader::readTable(const toml::table &table, const std::string &path,
			   std::string_view takes, std::span<const KeyRule> rules,
			   std::span<const KeyRule> unlisted)
{
	/* Not a structured binding: clang 14 cannot capture one in a lambda. */
	for (const auto &entry : inFileOrder(table)) {
		const toml::key *key = entry.first;
		const toml::node *value = entry.second;
		auto named = [&](const KeyRule &r) { return r.name == key->str(); };
		const KeyRule *rule = nullptr;
		if (auto it = std::find_if(rules.begin(), rules.end(), named); it != rules.end())
			rule = &*it;
		else if (auto other = std::find_if(unlisted.begin(), unlisted.end(), named);
			 other != unlisted.end())
			rule = &*other;
		if (rule) {
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
		for (const KeyRule &r : unlisted) {
			size_t d = editDistance(key->str(), r.name);
			if (d < best) {
				best = d;
				closest = r.name;
			}
		}
		if (!closest.empty())
			what += " (did you mean " + std::string(closest) + "?)";
		std::string name = escape(key->str());
		return fail(key->source(), path.empty() ? name : path + "." + name, what);
	}
	return true;
}

bool RuleReader::require(const toml::table &table, const std::string &path, std::string_view key,
			 std::string_view why)
{
	if (table.contains(key))
		return true;
	std::string what = "required key missing";
	if (!why.empty())
		what += " (" + std::string(why) + ")";
	return fail(table.source(), path + "." + std::string(key), what);
}

bool RuleReader::onlyWith(const toml::table &table, const std::string &path, std::string_view key,
			  bool allowed, std::string_view condition)
{
	const toml::key *k = keyOf(table, key);
	if (!k || allowed)
		return true;
	return fail(k->source(), path + "." + std::string(key),
		    "only used with " + std::string(condition) + "; remove it or change that key");
}

std::optional<std::string> RuleReader::string(const toml::key &key, const toml::node &value,
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

std::optional<int64_t> RuleReader::integer(const toml::key &key, const toml::node &value,
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

KeyRule RuleReader::stringRule(std::string_view name, const std::string &path, std::string &field,
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

KeyRule RuleReader::boolRule(std::string_view name, const std::string &path, bool &field)
{
	return {name, [this, name, &path, &field](const toml::key &k, const toml::node &v) {
			if (!v.is_boolean())
				return fail(k.source(), path + "." + std::string(name),
					    "expected true or false, got " + describeValue(v));
			field = v.as_boolean()->get();
			return true;
		}};
}

bool RuleReader::bothOrNeither(const toml::table &table, const std::string &path,
			       std::string_view first, std::string_view second)
{
	if (table.contains(first) == table.contains(second))
		return true;
	return require(table, path, table.contains(first) ? second : first,
		       std::string(first) + " and " + std::string(second) + " go together");
}

KeyRule RuleReader::alreadyRead(std::string_view name)
{
	return {name, [](const toml::key &, const toml::node &) { return true; }};
}

Error RuleReader::takeError()
{
	return error_ ? std::move(*error_) : Error{EINVAL, file_ + ": invalid config"};
}

bool RuleReader::failChoice(const toml::key &key, const toml::node &value, const std::string &path,
			    std::span<const std::string_view> names)
{
	std::string what = "expected ";
	for (size_t i = 0; i < names.size(); ++i) {
		what += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ");
		what += quote(names[i]);
	}
	return fail(key.source(), path, what + ", got " + describeValue(value));
}

} /* namespace primecam::config */
