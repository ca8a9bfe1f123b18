/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>

#include <sys/types.h>

#include "base/result.h"

namespace primecam::test {

/*
 * An Xvfb server for the gl-window tests: on the host (tests/egl) and inside
 * the test VM (tests/vm/device/egl), where the root is read-only and only
 * /tmp is writable. One 800x600 screen of depth 24, whose windows read back
 * through XGetImage as 32-bit 0x00RRGGBB pixels.
 *
 * While the object lives, DISPLAY names the server, so that GLFW connects to
 * it; the caller's DISPLAY comes back with the destructor, which also ends
 * the server, so that later tests in the same process (the device tests run
 * in one) see the environment they started with.
 */
class Xvfb
{
public:
	static constexpr int kScreenWidth = 800;
	static constexpr int kScreenHeight = 600;

	/* The Xvfb program in $PATH; empty when it is not installed. */
	static std::string find();

	Xvfb() = default;
	~Xvfb();
	Xvfb(const Xvfb &) = delete;
	Xvfb &operator=(const Xvfb &) = delete;

	/* Starts binary, waits until it accepts connections, sets DISPLAY.
	 * The error has the server's own words (its stderr). */
	Result<void> start(const std::string &binary);
	/* ":N", once started */
	const std::string &display() const { return display_; }

private:
	std::string serverLog() const;
	void kill();

	pid_t pid_ = -1;
	std::string display_;
	std::string logPath_;
	/* The caller's environment, to restore: nullopt where unset. */
	bool environmentSaved_ = false;
	std::optional<std::string> savedDisplay_;
	std::optional<std::string> savedShaderCache_;
};

} /* namespace primecam::test */
