/* SPDX-License-Identifier: MIT */
#include <string>
#include <vector>

#include "base/leak_check.h"
#include "modules/library_environment.h"
#include "src/command_line.h"
#include "src/doctor.h"
#include "src/list_command.h"
#include "src/run_command.h"

namespace {

int runCommandLine(const primecam::CommandLine &line)
{
	switch (line.command) {
	case primecam::CommandLine::Command::Run:
		return primecam::runCommand(line.run);
	case primecam::CommandLine::Command::Doctor:
		return primecam::doctorCommand(line.config);
	case primecam::CommandLine::Command::List:
		return primecam::listCommand();
	case primecam::CommandLine::Command::Verify:
		return primecam::verifyCommand(line.verify);
	case primecam::CommandLine::Command::None:
		break;
	}
	return 0;
}

} /* namespace */

int main(int argc, char **argv)
{
	primecam::CommandLine line;
	int status =
		primecam::parseCommandLine(std::vector<std::string>(argv + 1, argv + argc), line);
	if (status != 0)
		return status;
	/* Before any module loads: the libraries read it at load time. */
	primecam::setLibraryLogsVerbose(line.verbose);

	status = runCommandLine(line);
	/* Everything the command made is gone, and Mesa is still loaded. */
	primecam::checkLeaksNow();
	return status;
}
