/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "src/toml_guard.h"

namespace primecam::config {

/* Values quoted in messages are cut: a fuzzer's megabyte string is noise. */
constexpr size_t kMaxQuoted = 48;

/* Printable ASCII as is; anything else escaped, so that a message never
 * carries control characters (a stray \r would hide the start of the line). */
std::string escape(std::string_view text, size_t limit = kMaxQuoted);
/* escape()d, in double quotes. */
std::string quote(std::string_view text);
/* The value as the user wrote it (near enough), for "got ..." in messages. */
std::string describeValue(const toml::node &node);

/* A table's entries in file order: the first error reported is then the
 * first in the file, and V4L2 controls are set in the order written
 * (toml++ keeps keys sorted by name). */
std::vector<std::pair<const toml::key *, const toml::node *>> inFileOrder(const toml::table &table);

/* One accepted key of a table and what to do with its value. */
struct KeyRule {
	std::string_view name;
	std::function<bool(const toml::key &key, const toml::node &value)> read;
};

/* One spelling a string key accepts and the value it stands for: enum rules
 * name each pair, so no list's order has to follow an enum's. */
template<typename E>
struct Choice {
	std::string_view name;
	E value;
};

/*
 * The rule engine: reads tables by their KeyRules and checks values,
 * recording the first error with the position of the key it is about as
 * "FILE:LINE:COLUMN: PATH: what is wrong". Every check that fails returns
 * false (or std::nullopt), which unwinds the walk; takeError() then gives
 * the error.
 */
class RuleReader
{
public:
	explicit RuleReader(std::string_view file) : file_(file) {}

	const std::string &file() const { return file_; }

	bool fail(const toml::source_region &where, std::string_view path, std::string_view what);
	/* Every path that returns false recorded an error first; the
	 * fallback only guards against a reader bug passing as success. */
	Error takeError();

	/* Runs each entry of table through its rule, in file order; a key
	 * without a rule is an error that lists what `takes` takes. unlisted:
	 * keys every table of its kind takes whatever its type (a [[sink]]'s
	 * `source`), read the same way but left out of that list, which
	 * names what the type takes. */
	bool readTable(const toml::table &table, const std::string &path, std::string_view takes,
		       std::span<const KeyRule> rules, std::span<const KeyRule> unlisted = {});
	bool require(const toml::table &table, const std::string &path, std::string_view key,
		     std::string_view why);
	/* key may be there only if allowed (condition says when). */
	bool onlyWith(const toml::table &table, const std::string &path, std::string_view key,
		      bool allowed, std::string_view condition);
	/* A size is both or neither: half of one is a typo, not a default. */
	bool bothOrNeither(const toml::table &table, const std::string &path,
			   std::string_view first, std::string_view second);
	const toml::key *keyOf(const toml::table &table, std::string_view key) const;

	std::optional<std::string> string(const toml::key &key, const toml::node &value,
					  const std::string &path, bool allowEmpty = false);
	std::optional<int64_t> integer(const toml::key &key, const toml::node &value,
				       const std::string &path, int64_t min, int64_t max);
	template<typename E>
	std::optional<E> choice(const toml::key &key, const toml::node &value,
				const std::string &path, std::span<const Choice<E>> choices);
	template<typename E, size_t N>
	std::optional<E> choice(const toml::key &key, const toml::node &value,
				const std::string &path, const Choice<E> (&choices)[N])
	{
		return choice(key, value, path, std::span<const Choice<E>>(choices));
	}

	/* Rules for the common kinds of key, stored into field: an integer in
	 * [min, max], a string (empty only if allowed), one of choices, and a
	 * key read before the table (the type that picked the rules). */
	template<typename T>
	KeyRule integerRule(std::string_view name, const std::string &path, int64_t min,
			    int64_t max, T &field);
	KeyRule stringRule(std::string_view name, const std::string &path, std::string &field,
			   bool allowEmpty = false);
	KeyRule boolRule(std::string_view name, const std::string &path, bool &field);
	template<typename E, size_t N, typename F>
	KeyRule choiceRule(std::string_view name, const std::string &path,
			   const Choice<E> (&choices)[N], F &field);
	static KeyRule alreadyRead(std::string_view name);

private:
	bool failChoice(const toml::key &key, const toml::node &value, const std::string &path,
			std::span<const std::string_view> names);

	std::string file_;
	std::optional<Error> error_;
};

template<typename E>
std::optional<E> RuleReader::choice(const toml::key &key, const toml::node &value,
				    const std::string &path, std::span<const Choice<E>> choices)
{
	if (value.is_string()) {
		for (const Choice<E> &c : choices)
			if (c.name == value.as_string()->get())
				return c.value;
	}
	std::vector<std::string_view> names;
	for (const Choice<E> &c : choices)
		names.push_back(c.name);
	failChoice(key, value, path, names);
	return std::nullopt;
}

template<typename T>
KeyRule RuleReader::integerRule(std::string_view name, const std::string &path, int64_t min,
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

template<typename E, size_t N, typename F>
KeyRule RuleReader::choiceRule(std::string_view name, const std::string &path,
			       const Choice<E> (&choices)[N], F &field)
{
	return {name, [this, name, &path, all = std::span<const Choice<E>>(choices),
		       &field](const toml::key &k, const toml::node &v) {
			auto value = choice(k, v, path + "." + std::string(name), all);
			if (value)
				field = *value;
			return value.has_value();
		}};
}

} /* namespace primecam::config */
