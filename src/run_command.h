/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

namespace primecam {

/* The arguments of `primecam run`. */
struct RunOptions {
	std::string configPath;
	uint64_t frames = 0;	  /* stop after this many frames per source; 0: no limit */
	double durationS = 0;	  /* stop after this many seconds; 0: no limit */
	std::string statsPath;	  /* --stats FILE.json, or empty */
	std::string snapshotPath; /* --snapshot FILE.png, or empty */
};

/*
 * `primecam run`: reads the config, builds and configures one Engine per
 * source, all on one event loop, streams until every engine is done
 * (--frames from each, or its own fatal error: one camera ending does not
 * end the others), --duration or SIGINT/SIGTERM, takes the
 * --snapshot from the first kms sink's writeback connector, stops, and
 * writes the --stats JSON (also when anything failed, with "error").
 *
 * Returns the exit status: 0 when the run ended as asked (a SIGINT or
 * SIGTERM is asked for: it is how an unlimited run ends), 1 on any error,
 * whose message (naming the file, device and errno) went to stderr.
 */
int runCommand(const RunOptions &options);

} /* namespace primecam */
