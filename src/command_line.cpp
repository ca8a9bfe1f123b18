/* SPDX-License-Identifier: MIT */
#include "src/command_line.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "src/build_config.h"

/*
 * primecam's command line: three commands and a handful of options, parsed
 * from one table that also writes the help (and through help2man the man
 * page), in the manner of libcamera's OptionsParser. A general-purpose
 * parser (CLI11 before) cost more at start-up than the run's own set-up: its
 * code is run once per process, so all of it counts, and under emulation
 * (the test VM) every instruction run for the first time is translated.
 */
namespace primecam {

namespace {

/* What an option does with its value ("" for a flag): an error text, or
 * "" when it took it. A plain function keeps the table constant data. */
using Apply = std::string (*)(CommandLine &line, std::string_view value);

struct Option {
	const char *shortName; /* "-v", or nullptr */
	const char *longName;  /* "--verbose" */
	const char *valueName; /* "N" for an option with a value; nullptr: a flag */
	const char *help;
	Apply apply;
};

struct Command {
	const char *name;
	const char *operand; /* "CONFIG", or nullptr: takes none */
	const char *operandHelp;
	const char *summary;
	CommandLine::Command kind;
	std::span<const Option> options;
};

/* A whole number of frames, 1 or more, into n; an error text, or "". */
std::string frameCount(std::string_view text, uint64_t &n)
{
	uint64_t value = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
	if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0)
		return "expected a whole number of frames, 1 or more; got " + std::string(text);
	n = value;
	return {};
}

std::string frames(CommandLine &line, std::string_view text)
{
	return frameCount(text, line.run.frames);
}

std::string duration(CommandLine &line, std::string_view text)
{
	std::string copy(text);
	char *end = nullptr;
	double seconds = strtod(copy.c_str(), &end);
	/* !(a && b) also refuses NaN. */
	if (copy.empty() || *end || !(seconds > 0 && seconds < 1e9))
		return "expected a number of seconds above 0; got " + copy;
	line.run.durationS = seconds;
	return {};
}

/* The help flags are answered by the parser itself (nullptr). */
const Option globalOptions[] = {
	{"-h", "--help", nullptr, "Print this help (or a command's, after it) and exit", nullptr},
	{nullptr, "--help-all", nullptr, "Print the help of every command and exit", nullptr},
	{nullptr, "--version", nullptr, "Print the version and exit", nullptr},
	{"-v", "--verbose", nullptr,
	 "Let the back ends' libraries (libcamera, Mesa) log to stderr as they would by "
	 "default; without it primecam asks them for errors only",
	 [](CommandLine &line, std::string_view) {
		 line.verbose = true;
		 return std::string();
	 }},
};

const Option runOptions[] = {
	{nullptr, "--frames", "N", "Stop after N captured frames (from each source)", frames},
	{nullptr, "--duration", "S", "Stop after S seconds", duration},
	{nullptr, "--stats", "FILE.json", "Write the run's statistics as JSON (also when it fails)",
	 [](CommandLine &line, std::string_view value) {
		 line.run.statsPath = value;
		 return std::string();
	 }},
	{nullptr, "--snapshot", "FILE.png",
	 "At the end, write what the display shows as a PNG: the first kms or gl-kms sink's "
	 "card, through its writeback connector, or else what the first gl-headless sink drew",
	 [](CommandLine &line, std::string_view value) {
		 line.run.snapshotPath = value;
		 return std::string();
	 }},
	{nullptr, "--doctor", nullptr,
	 "Do not stream: say whether the pipeline is zero-copy, and if not, where the copy or "
	 "conversion happens and why (as `primecam doctor`)",
	 [](CommandLine &line, std::string_view) {
		 line.command = CommandLine::Command::Doctor;
		 return std::string();
	 }},
};

const Option verifyOptions[] = {
	{nullptr, "--camera", "DEV",
	 "The camera: a V4L2 node or driver name (as a config's device), or libcamera:ID (ID "
	 "as `primecam list` prints it, or an index); default: the first capture node",
	 [](CommandLine &line, std::string_view value) {
		 line.verify.camera = value;
		 return std::string();
	 }},
	{nullptr, "--display", "CARD",
	 "The display: a DRM card's path or driver name; default: the first card with a "
	 "connected display",
	 [](CommandLine &line, std::string_view value) {
		 line.verify.display = value;
		 return std::string();
	 }},
	{nullptr, "--frames", "N", "Frames to stream in each case (default 30)",
	 [](CommandLine &line, std::string_view value) {
		 return frameCount(value, line.verify.frames);
	 }},
	{nullptr, "--only", "PATTERN",
	 "Run only the cases whose name (FORMAT/WxH/MEMORY/API/PLANE) matches: a glob (*, ?, "
	 "[...]) or else a substring; several, comma-separated",
	 [](CommandLine &line, std::string_view value) {
		 line.verify.only = value;
		 return std::string();
	 }},
	{nullptr, "--json", "FILE", "Write every case's figures as JSON",
	 [](CommandLine &line, std::string_view value) {
		 line.verify.jsonPath = value;
		 return std::string();
	 }},
	{nullptr, "--junit", "FILE", "Write JUnit XML, one testcase per case, for CI systems",
	 [](CommandLine &line, std::string_view value) {
		 line.verify.junitPath = value;
		 return std::string();
	 }},
	{nullptr, "--fault", "NAME",
	 "Break the path on purpose, to see verify fail (its own test): chroma-offset, "
	 "early-requeue or wrong-matrix",
	 [](CommandLine &line, std::string_view value) {
		 std::optional<VerifyFault> fault = verifyFaultByName(value);
		 if (!fault || *fault == VerifyFault::None)
			 return "expected chroma-offset, early-requeue or wrong-matrix; got " +
				std::string(value);
		 line.verify.fault = *fault;
		 return std::string();
	 }},
};

const char configHelp[] = "Pipeline config (TOML; configs/README.md)";

const Command commands[] = {
	{"run", "CONFIG", configHelp, "Run the pipeline a config file describes",
	 CommandLine::Command::Run, runOptions},
	{"doctor",
	 "CONFIG",
	 configHelp,
	 "Explain whether a config's pipeline is zero-copy, and why not",
	 CommandLine::Command::Doctor,
	 {}},
	{"list",
	 nullptr,
	 nullptr,
	 "List what primecam can use here: V4L2 capture nodes, libcamera cameras, DRM cards "
	 "with their planes and formats, and where EGL can render and import",
	 CommandLine::Command::List,
	 {}},
	{"verify", nullptr, nullptr,
	 "Check that a camera's frames reach a display intact: every format, memory, API and "
	 "plane the two offer, each on the path the doctor picks, with its pixels (through the "
	 "writeback connector), copies, sequence gaps, latency and leaks checked; exits 1 when "
	 "a case fails",
	 CommandLine::Command::Verify, verifyOptions},
};

/* `text` from column `indent`, wrapped before column 80, after a first line
 * that already holds `used` columns (at least two spaces after them). */
void printWrapped(std::string &out, std::string_view text, size_t indent, size_t used)
{
	constexpr size_t kWidth = 79;
	if (used > 0 && used + 2 > indent) {
		out += '\n';
		used = 0;
	}
	out.append(indent - used, ' ');
	size_t column = indent;
	while (!text.empty()) {
		size_t space = text.find(' ');
		std::string_view word = text.substr(0, space);
		if (column > indent && column + 1 + word.size() > kWidth) {
			out += '\n';
			out.append(indent, ' ');
			column = indent;
		} else if (column > indent) {
			out += ' ';
			++column;
		}
		out += word;
		column += word.size();
		text = space == std::string_view::npos ? std::string_view()
						       : text.substr(space + 1);
	}
	out += '\n';
}

void printEntry(std::string &out, const std::string &left, std::string_view help)
{
	out += "  " + left;
	printWrapped(out, help, 24, 2 + left.size());
}

void printOptions(std::string &out, std::span<const Option> options)
{
	for (const Option &option : options) {
		std::string left = option.shortName ? std::string(option.shortName) + ", " : "    ";
		left += option.longName;
		if (option.valueName)
			left += std::string(" ") + option.valueName;
		printEntry(out, left, option.help);
	}
}

std::string commandUsage(const Command &command)
{
	std::string usage = std::string("primecam ") + command.name;
	if (!command.options.empty())
		usage += " [OPTIONS]";
	if (command.operand)
		usage += std::string(" ") + command.operand;
	return usage;
}

void printArguments(std::string &out, const Command &command)
{
	if (command.operand)
		printEntry(out, command.operand, command.operandHelp);
	printOptions(out, command.options);
}

void printCommandHelp(std::string &out, const Command &command)
{
	out += "Usage: " + commandUsage(command) + "\n";
	printWrapped(out, command.summary, 2, 0);
	printArguments(out, command);
}

std::string globalHelp(bool all)
{
	std::string out = "primecam: camera frames to a display without copying a pixel\n"
			  "Usage: primecam [OPTIONS] COMMAND [ARGS]\n\nCommands:\n";
	for (const Command &command : commands)
		printEntry(out, command.name, command.summary);
	out += "\nOptions:\n";
	printOptions(out, globalOptions);
	if (all) {
		/* "heading:" lines: help2man makes each a man page section. */
		for (const Command &command : commands) {
			if (!command.operand && command.options.empty())
				continue;
			out += "\n" + commandUsage(command) + ":\n";
			printArguments(out, command);
		}
	} else {
		out += "\n`primecam COMMAND --help` shows a command's arguments; --help-all "
		       "shows them all.\n";
	}
	return out;
}

const Option *findOption(std::span<const Option> options, std::string_view name)
{
	for (const Option &option : options)
		if (name == option.longName || (option.shortName && name == option.shortName))
			return &option;
	return nullptr;
}

int usageError(CommandLine &out, const std::string &message)
{
	out = {};
	fprintf(stderr, "primecam: %s\nRun with --help or --help-all for more information.\n",
		message.c_str());
	return 2;
}

int printAndExit(CommandLine &out, const std::string &text)
{
	out = {};
	fputs(text.c_str(), stdout);
	return 0;
}

} /* namespace */

int parseCommandLine(const std::vector<std::string> &args, CommandLine &out)
{
	out = {};
	const Command *command = nullptr;
	const std::string *operand = nullptr;
	bool operandsOnly = false;

	for (size_t i = 0; i < args.size(); ++i) {
		const std::string &arg = args[i];
		if (!operandsOnly && arg == "--") {
			operandsOnly = true;
			continue;
		}
		if (!operandsOnly && arg.size() > 1 && arg[0] == '-') {
			/* --name=value or --name value; global options go
			 * before or after the command. */
			size_t equals = arg.rfind("--", 0) == 0 ? arg.find('=') : std::string::npos;
			std::string_view name = std::string_view(arg).substr(0, equals);
			const Option *option = findOption(globalOptions, name);
			if (!option && command)
				option = findOption(command->options, name);
			if (!option)
				return usageError(
					out, "unknown option " + std::string(name) +
						     (command ? std::string(" for ") + command->name
							      : std::string()));
			if (name == "--help" || name == "-h") {
				if (!command)
					return printAndExit(out, globalHelp(false));
				std::string text;
				printCommandHelp(text, *command);
				return printAndExit(out, text);
			}
			if (name == "--help-all")
				return printAndExit(out, globalHelp(true));
			if (name == "--version")
				return printAndExit(out, std::string("primecam ") +
								 PRIMECAM_VERSION + "\n");

			std::string_view value;
			if (option->valueName) {
				if (equals != std::string::npos)
					value = std::string_view(arg).substr(equals + 1);
				else if (i + 1 < args.size())
					value = args[++i];
				else
					return usageError(out, std::string(name) +
								       " needs a value (" +
								       option->valueName + ")");
			} else if (equals != std::string::npos) {
				return usageError(out, std::string(name) + " takes no value");
			}
			std::string error = option->apply(out, value);
			if (!error.empty())
				return usageError(out, std::string(name) + ": " + error);
			continue;
		}
		if (!command) {
			for (const Command &candidate : commands)
				if (arg == candidate.name)
					command = &candidate;
			if (!command)
				return usageError(out, "unknown command '" + arg +
							       "'; the commands are run, doctor, "
							       "list and verify");
			continue;
		}
		if (!command->operand || operand)
			return usageError(out, "unexpected argument '" + arg + "' for " +
						       commandUsage(*command));
		operand = &arg;
	}

	if (!command)
		return usageError(out, "a command is required: run, doctor, list or verify");
	if (command->operand && !operand)
		return usageError(out, std::string(command->operand) +
					       " is required: " + commandUsage(*command));

	/* run --doctor already set Doctor. */
	if (out.command == CommandLine::Command::None)
		out.command = command->kind;
	if (operand && command->kind == CommandLine::Command::Run)
		out.run.configPath = *operand;
	if (operand && out.command == CommandLine::Command::Doctor)
		out.config = *operand;
	return 0;
}

} /* namespace primecam */
