/* SPDX-License-Identifier: MIT */
#include "src/command_line.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "src/build_config.h"

/*
 * primecam's command line. CLI11 reports bad arguments with exceptions, its
 * own design; they are caught here, around parsing, and nowhere else runs
 * with exceptions in flight.
 */
namespace primecam {

namespace {

/* CLI11 2.1's PositiveNumber prints a 300-digit range; say it plainly. */
const CLI::Validator atLeastOne(
	[](std::string &text) -> std::string {
		if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
		    text.find_first_not_of('0') == std::string::npos)
			return "expected a whole number of frames, 1 or more; got " + text;
		return "";
	},
	"", "");

const CLI::Validator positiveSeconds(
	[](std::string &text) -> std::string {
		char *end = nullptr;
		double seconds = strtod(text.c_str(), &end);
		/* !(a && b) also refuses NaN. */
		if (text.empty() || *end || !(seconds > 0 && seconds < 1e9))
			return "expected a number of seconds above 0; got " + text;
		return "";
	},
	"", "");

} /* namespace */

int parseCommandLine(const std::vector<std::string> &args, CommandLine &out)
{
	out = {};
	CLI::App app{"primecam: camera frames to a display without copying a pixel"};
	app.name("primecam");
	app.set_version_flag("--version", std::string("primecam ") + PRIMECAM_VERSION);
	/* Every command's options in one text: the man page is made from it
	 * (help2man --help-option=--help-all), so it cannot say otherwise. */
	app.set_help_all_flag("--help-all", "Print the help of every command and exit");
	app.require_subcommand(1);
	/* Global options after the subcommand too: `primecam run X.toml -v`. */
	app.fallthrough();
	app.add_flag("-v,--verbose", out.verbose,
		     "Let the back ends' libraries (libcamera, Mesa) log to stderr as they "
		     "would by default; without it primecam asks them for errors only");

	CLI::App *runApp = app.add_subcommand("run", "Run the pipeline a config file describes");
	runApp->add_option("config", out.run.configPath,
			   "Pipeline config (TOML; configs/README.md)")
		->required();
	runApp->add_option("--frames", out.run.frames, "Stop after N captured frames")
		->type_name("N")
		->check(atLeastOne);
	runApp->add_option("--duration", out.run.durationS, "Stop after S seconds")
		->type_name("S")
		->check(positiveSeconds);
	runApp->add_option("--stats", out.run.statsPath,
			   "Write the run's statistics as JSON (also when it fails)")
		->type_name("FILE.json");
	runApp->add_option("--snapshot", out.run.snapshotPath,
			   "At the end, write what the display shows as a PNG: the first kms "
			   "or gl-kms sink's card, through its writeback connector, or else "
			   "what the first gl-headless sink drew")
		->type_name("FILE.png");
	bool runDoctor = false;
	runApp->add_flag("--doctor", runDoctor,
			 "Do not stream: say whether the pipeline is zero-copy, and if not, "
			 "where the copy or conversion happens and why (as `primecam doctor`)");

	CLI::App *doctorApp = app.add_subcommand(
		"doctor", "Explain whether a config's pipeline is zero-copy, and why not");
	doctorApp->add_option("config", out.config, "Pipeline config (TOML; configs/README.md)")
		->required();

	CLI::App *listApp = app.add_subcommand(
		"list",
		"List what primecam can use here: V4L2 capture nodes, libcamera cameras, DRM "
		"cards with their planes and formats, and where EGL can render and import");

	try {
		/* CLI11 takes the arguments last to first. */
		std::vector<std::string> reversed(args.rbegin(), args.rend());
		app.parse(reversed);
	} catch (const CLI::ParseError &e) {
		/* exit() prints help, the version or the error; a usage error
		 * becomes status 2, as for most Unix tools. */
		out = {};
		return app.exit(e) == 0 ? 0 : 2;
	}

	if (*runApp)
		out.command = runDoctor ? CommandLine::Command::Doctor : CommandLine::Command::Run;
	if (*runApp && runDoctor)
		out.config = out.run.configPath;
	if (*doctorApp)
		out.command = CommandLine::Command::Doctor;
	if (*listApp)
		out.command = CommandLine::Command::List;
	return 0;
}

} /* namespace primecam */
