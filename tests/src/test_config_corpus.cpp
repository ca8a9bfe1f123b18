/* SPDX-License-Identifier: MIT */
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "src/config_parser.h"
#include "tests/fuzz/config_contract.h"

namespace primecam {
namespace {

/*
 * Replays the fuzzer's seed corpus (tests/fuzz/corpus) through the parser in
 * the normal build, where the fuzzer itself is not built (it needs clang).
 * Nothing may crash and every result must keep the fuzzer's contract
 * (configContractBreach); "good-" files must parse and "bad-" files fail;
 * anything else (a reproducer the fuzzer found) may do either.
 */
TEST(ConfigCorpus, EveryFileReplaysThroughTheParser)
{
	namespace fs = std::filesystem;
	fs::path dir = fs::path(PRIMECAM_SOURCE_DIR) / "tests/fuzz/corpus";
	size_t good = 0, bad = 0;
	for (const fs::directory_entry &entry : fs::directory_iterator(dir)) {
		std::ifstream in(entry.path(), std::ios::binary);
		std::stringstream text;
		text << in.rdbuf();
		std::string name = entry.path().filename().string();

		Result<PipelineConfig> config = parseConfig(text.str(), name);
		EXPECT_EQ(configContractBreach(config, name), "") << name;
		if (name.rfind("good-", 0) == 0) {
			++good;
			EXPECT_TRUE(config) << config.error().message;
		} else if (name.rfind("bad-", 0) == 0) {
			++bad;
			EXPECT_FALSE(config) << name << " parsed";
		}
	}
	/* The corpus is there and has both kinds. */
	EXPECT_GE(good, 5u);
	EXPECT_GE(bad, 10u);
}

} /* namespace */
} /* namespace primecam */
