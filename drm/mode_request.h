/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace primecam {

/*
 * The display mode a config asks for: "WIDTHxHEIGHT" or "WIDTHxHEIGHT@RATE",
 * parsed once (by the config parser, which reports a typo with its line) and
 * matched against the connector's modes by KmsOutput. Plain data, with no
 * libdrm in it, so that configs are checked in every build.
 */
struct ModeRequest {
	uint32_t width = 0;
	uint32_t height = 0;
	/* Hz, fractional as modes are named ("59.94"); matched to the mode's
	 * whole vrefresh, which is how the kernel reports a rate. */
	std::optional<double> refresh;
	/* As the config wrote it, for messages ("no mode 1000x1000"). */
	std::string text;

	/*
	 * WIDTH and HEIGHT decimal, 1 to 16384 (the largest framebuffer any
	 * DRM driver takes); RATE decimal with an optional fraction, above 0
	 * and at most 1000. No signs, spaces or units. std::nullopt if text is
	 * anything else.
	 */
	static std::optional<ModeRequest> parse(std::string_view text);

	/* Compares what the config wrote. */
	bool operator==(std::string_view written) const { return text == written; }
};

} /* namespace primecam */
