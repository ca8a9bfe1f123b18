/* SPDX-License-Identifier: MIT */
/*
 * The fuzzer's dictionary (tests/fuzz/config.dict) holds every key and every
 * named value the parser knows, so that mutations reach the checks behind
 * the TOML syntax. The parser itself says what it knows: an unknown key's
 * error lists what its table takes, and a wrong choice's error lists the
 * choices. A key added to the schema and not to the dictionary fails here.
 */
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "tests/src/config_test_text.h"

namespace primecam {
namespace {

/* The table under test comes last in each text, so that keys appended to
 * the text land in it. */
struct Table {
	const char *name;
	std::string text;
};

std::vector<Table> tables()
{
	const std::string nullSink = "[[sink]]\ntype = \"null\"\n";
	return {
		{"[source] v4l2", std::string(kSource)},
		{"[source] libcamera", nullSink +
					       "[source]\ntype = \"libcamera\"\n"
					       "format = \"BGR888\"\nwidth = 636\nheight = 480\n"},
		{"[[stage]]", std::string(kSource) + nullSink +
				      "[[stage]]\ntype = \"convert\"\nformat = \"XRGB8888\"\n"},
		{"kms [[sink]]",
		 std::string(kSource) + "[[sink]]\ntype = \"kms\"\ncard = \"vkms\"\n"},
		{"gl-kms [[sink]]", std::string(kSource) + "[[sink]]\ntype = \"gl-kms\"\n"},
		{"gl-headless [[sink]]",
		 std::string(kSource) + "[[sink]]\ntype = \"gl-headless\"\n"},
		{"gl-window [[sink]]", std::string(kSource) + "[[sink]]\ntype = \"gl-window\"\n"},
		{"null [[sink]]", std::string(kSource) + nullSink},
	};
}

/* What "... takes a, b and c" names, from an unknown key's error. */
std::vector<std::string> keysTaken(const std::string &message)
{
	size_t from = message.find(" takes ");
	if (from == std::string::npos)
		return {};
	std::string list = message.substr(from + 7);
	list = list.substr(0, list.find(" (did you mean"));
	std::vector<std::string> keys;
	std::string word;
	for (char c : list + " ") {
		if ((c >= 'a' && c <= 'z') || c == '_') {
			word += c;
			continue;
		}
		if (!word.empty() && word != "and")
			keys.push_back(word);
		word.clear();
	}
	return keys;
}

/* The quoted choices of an error that reads `expected "a", "b" or "c", got`;
 * not a pattern such as "WIDTHxHEIGHT", which is no word of the config. */
std::vector<std::string> choicesOffered(const std::string &message)
{
	size_t from = message.find("expected \"");
	if (from == std::string::npos)
		return {};
	std::string list = message.substr(from, message.find(", got", from) - from);
	std::vector<std::string> values;
	for (size_t open = list.find('"'); open != std::string::npos;) {
		size_t close = list.find('"', open + 1);
		if (close == std::string::npos)
			break;
		std::string value = list.substr(open + 1, close - open - 1);
		if (!value.empty() &&
		    value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") ==
			    std::string::npos)
			values.push_back(value);
		open = list.find('"', close + 1);
	}
	return values;
}

std::set<std::string> dictionaryLines()
{
	std::ifstream in(std::string(PRIMECAM_SOURCE_DIR) + "/tests/fuzz/config.dict");
	EXPECT_TRUE(in) << "tests/fuzz/config.dict";
	std::set<std::string> lines;
	for (std::string line; std::getline(in, line);)
		lines.insert(line);
	return lines;
}

TEST(FuzzDictionary, HoldsEveryKeyAndChoiceTheParserNames)
{
	const std::set<std::string> dict = dictionaryLines();
	/* name: every source table takes it, so no type's list names it. */
	std::set<std::string> keys = {"name"};
	std::set<std::string> values;
	auto offered = [&](const std::string &text) {
		for (const std::string &v : choicesOffered(errorOf(text)))
			values.insert(v);
	};

	for (const std::string &key : keysTaken(errorOf("zz_unknown = 1\n" + kMinimal)))
		keys.insert(key);
	for (const Table &table : tables()) {
		std::vector<std::string> taken =
			keysTaken(errorOf(table.text + "zz_unknown = 1\n"));
		EXPECT_GE(taken.size(), 1u) << table.name << " names no key it takes";
		for (const std::string &key : taken) {
			keys.insert(key);
			/* A key the base text sets already would be a TOML
			 * duplicate; the types are asked below. */
			if (table.text.find("\n" + key + " = ") == std::string::npos)
				offered(table.text + key + " = \"zz\"\n");
		}
	}
	offered("[source]\ntype = \"zz\"\n");
	offered(std::string(kSource) + "[[stage]]\ntype = \"zz\"\n");
	offered(std::string(kSource) + "[[sink]]\ntype = \"zz\"\n");

	/* The parser names at least these; a change in its wording that
	 * hides them from this test fails here rather than passing empty. */
	for (const char *known :
	     {"stage", "device", "placement", "restart_limit", "accept_plane_encoding"})
		EXPECT_TRUE(keys.count(known)) << known;
	for (const char *known : {"libcamera", "m2m", "gl-window", "fit", "hold", "udmabuf"})
		EXPECT_TRUE(values.count(known)) << known;

	for (const std::string &key : keys)
		EXPECT_TRUE(dict.count("\"" + key + "\""))
			<< "tests/fuzz/config.dict lacks the key " << key;
	for (const std::string &value : values)
		EXPECT_TRUE(dict.count("\"\\\"" + value + "\\\"\""))
			<< "tests/fuzz/config.dict lacks the value \"" << value << "\"";
}

} /* namespace */
} /* namespace primecam */
