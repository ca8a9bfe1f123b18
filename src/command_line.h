/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <vector>

#include "src/run_command.h"
#include "src/verify/verify_command.h"

namespace primecam {

/* What a `primecam ...` command line asks for. */
struct CommandLine {
	enum class Command {
		None, /* --help, --version: already answered */
		Run,
		Doctor, /* `doctor CONFIG` and `run --doctor CONFIG` */
		List,
		Verify,
	};
	Command command = Command::None;
	RunOptions run;	      /* Run */
	std::string config;   /* Doctor */
	VerifyOptions verify; /* Verify */
	/* -v: the back ends' libraries log as they would by default. */
	bool verbose = false;
};

/*
 * Parses primecam's command line (args without the program name) with the
 * one CLI definition the program runs, so that a test can feed it every
 * command line the docs quote.
 *
 * Returns 0 with `out` filled, or the exit status main() returns after the
 * parser printed the help, the version (0) or a usage error (2) to
 * stdout/stderr; out.command is then None.
 */
int parseCommandLine(const std::vector<std::string> &args, CommandLine &out);

} /* namespace primecam */
