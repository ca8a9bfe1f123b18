/* SPDX-License-Identifier: MIT */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "src/config_parser.h"
#include "tests/fuzz/config_contract.h"

/*
 * libFuzzer entry: any bytes through the pure config parser. It must return
 * a config or an error for every input: no crash, no hang, no leak, no
 * uncaught exception (toml++ is built without them), and what it returns
 * must keep configContractBreach()'s promises.
 */
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	if (!primecam::configContractBreach(primecam::parseConfig(text, "fuzz.toml"), "fuzz.toml")
		     .empty())
		__builtin_trap();
	return 0;
}
