/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * toml++ 3.3, included the one way primecam can trust it, and the check
 * that keeps from it the text it mishandles. Every file that reads TOML
 * includes this header, never <toml++/toml.h> itself.
 *
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
#undef PRIMECAM_NDEBUG_WAS_SET
#endif

#include <optional>
#include <string_view>

#include "base/result.h"

namespace primecam {

/*
 * Refuses the characters toml++ would mishandle (undefined behaviour in its
 * Unicode tables), before it sees the text, with the file, line and column;
 * std::nullopt when toml++ may parse text. Run before every toml::parse().
 */
std::optional<Error> checkTomlCharacters(std::string_view text, std::string_view fileName);

} /* namespace primecam */
