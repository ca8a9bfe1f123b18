/* SPDX-License-Identifier: MIT */
#include <cstdint>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "modules/library_environment.h"
#include "src/build_config.h"
#include "src/doctor.h"
#include "src/list_command.h"
#include "src/run_command.h"

/*
 * primecam's command line. CLI11 reports bad arguments with exceptions, its
 * own design; they are caught here, around parsing, and nowhere else runs
 * with exceptions in flight.
 */
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

int main(int argc, char **argv)
{
	CLI::App app{"primecam: camera frames to a display without copying a pixel"};
	app.set_version_flag("--version", PRIMECAM_VERSION);
	app.require_subcommand(1);
	/* Global options after the subcommand too: `primecam run X.toml -v`. */
	app.fallthrough();
	bool verbose = false;
	app.add_flag("-v,--verbose", verbose,
		     "Let the back ends' libraries (libcamera, Mesa) log to stderr as they "
		     "would by default; without it primecam asks them for errors only");

	primecam::RunOptions run;
	CLI::App *runCommand =
		app.add_subcommand("run", "Run the pipeline a config file describes");
	runCommand
		->add_option("config", run.configPath, "Pipeline config (TOML; configs/README.md)")
		->required();
	runCommand->add_option("--frames", run.frames, "Stop after N captured frames")
		->type_name("N")
		->check(atLeastOne);
	runCommand->add_option("--duration", run.durationS, "Stop after S seconds")
		->type_name("S")
		->check(positiveSeconds);
	runCommand
		->add_option("--stats", run.statsPath,
			     "Write the run's statistics as JSON (also when it fails)")
		->type_name("FILE.json");
	runCommand
		->add_option("--snapshot", run.snapshotPath,
			     "At the end, write what the first kms sink shows (its card's "
			     "writeback connector) as a PNG")
		->type_name("FILE.png");
	bool runDoctor = false;
	runCommand->add_flag("--doctor", runDoctor,
			     "Do not stream: say whether the pipeline is zero-copy, and if not, "
			     "where the copy or conversion happens and why (as `primecam doctor`)");

	std::string doctorConfig;
	CLI::App *doctorCommand = app.add_subcommand(
		"doctor", "Explain whether a config's pipeline is zero-copy, and why not");
	doctorCommand
		->add_option("config", doctorConfig, "Pipeline config (TOML; configs/README.md)")
		->required();

	CLI::App *listCommand = app.add_subcommand("list", "List V4L2 capture nodes and DRM cards");

	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		/* exit() prints help, the version or the error; a usage error
		 * becomes status 2, as for most Unix tools. */
		return app.exit(e) == 0 ? 0 : 2;
	}
	/* Before any module loads: the libraries read it at load time. */
	primecam::setLibraryLogsVerbose(verbose);

	if (*runCommand && runDoctor)
		return primecam::doctorCommand(run.configPath);
	if (*runCommand)
		return primecam::runCommand(run);
	if (*doctorCommand)
		return primecam::doctorCommand(doctorConfig);
	if (*listCommand)
		return primecam::listCommand();
	return 2;
}
