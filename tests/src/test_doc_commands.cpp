/* SPDX-License-Identifier: MIT */
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/build_config.h"
#include "src/command_line.h"

/*
 * Every `primecam ...` command line the docs quote goes through the CLI's
 * own parser: an option renamed or a subcommand dropped fails here, not for
 * the reader who pastes it.
 */
namespace primecam {
namespace {

namespace fs = std::filesystem;

struct Quoted {
	std::string where; /* "README.md:38" */
	std::string line;  /* "primecam run configs/vivid-vkms.toml --frames 150" */
};

std::string trim(std::string text)
{
	size_t begin = text.find_first_not_of(" \t");
	size_t end = text.find_last_not_of(" \t");
	return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

/* "primecam run x" from "$ build/src/primecam run x   # comment". */
std::string commandOf(std::string text)
{
	text = trim(text);
	if (text.starts_with("$ "))
		text = trim(text.substr(2));
	for (const char *prefix : {"build/src/primecam ", "./primecam "}) {
		if (text.starts_with(prefix))
			text = "primecam " + text.substr(std::string(prefix).size());
	}
	if (!text.starts_with("primecam "))
		return "";
	/* The next word is a command or an option, not prose ("primecam
	 * moves frames"). */
	std::string next = trim(text.substr(9));
	if (!(next.starts_with("run") || next.starts_with("doctor") || next.starts_with("list") ||
	      next.starts_with("verify") || next.starts_with("-")))
		return "";
	size_t comment = text.find(" #");
	if (comment != std::string::npos)
		text = trim(text.substr(0, comment));
	return text;
}

/* Every `code span` of a line that is a command line. */
void inlineCommands(const std::string &line, const std::string &where, std::vector<Quoted> &out)
{
	size_t pos = 0;
	while ((pos = line.find('`', pos)) != std::string::npos) {
		size_t end = line.find('`', pos + 1);
		if (end == std::string::npos)
			break;
		std::string command = commandOf(line.substr(pos + 1, end - pos - 1));
		if (!command.empty())
			out.push_back({where, command});
		pos = end + 1;
	}
}

std::vector<Quoted> quotedCommands(const fs::path &file, const std::string &name)
{
	std::vector<Quoted> out;
	std::ifstream in(file);
	bool markdown = file.extension() == ".md";
	bool fenced = false;
	std::string line;
	std::string pending; /* a command continued with '\' */
	std::string pendingWhere;
	for (int number = 1; std::getline(in, line); ++number) {
		std::string where = name + ":" + std::to_string(number);
		if (markdown && trim(line).starts_with("```")) {
			fenced = !fenced;
			continue;
		}
		std::string text = line;
		/* In a config only its comments are prose. */
		if (!markdown) {
			size_t hash = text.find('#');
			if (hash == std::string::npos)
				continue;
			text = text.substr(hash + 1);
		}
		if (!pending.empty()) {
			pending += " " + trim(text);
		} else if (fenced || !markdown || line.starts_with("    ")) {
			/* A fence, an indented code block, a config's comment. */
			std::string command = commandOf(text);
			if (!command.empty()) {
				pending = command;
				pendingWhere = where;
			}
		}
		if (!pending.empty()) {
			if (pending.back() == '\\') {
				pending.pop_back();
				continue;
			}
			out.push_back({pendingWhere, pending});
			pending.clear();
			continue;
		}
		if (!fenced && !line.starts_with("    "))
			inlineCommands(text, where, out);
	}
	return out;
}

std::vector<std::string> words(const std::string &line)
{
	std::istringstream in(line);
	std::vector<std::string> out;
	for (std::string word; in >> word;)
		out.push_back(word);
	return out;
}

TEST(DocCommands, EveryQuotedCommandLineParses)
{
	fs::path top = PRIMECAM_SOURCE_DIR;
	std::vector<fs::path> files = {top / "README.md", top / "configs" / "README.md"};
	for (const fs::directory_entry &entry : fs::directory_iterator(top / "configs"))
		if (entry.path().extension() == ".toml")
			files.push_back(entry.path());

	std::vector<Quoted> quoted;
	for (const fs::path &file : files) {
		ASSERT_TRUE(fs::exists(file)) << file;
		std::vector<Quoted> found = quotedCommands(file, fs::relative(file, top).string());
		quoted.insert(quoted.end(), found.begin(), found.end());
	}
	/* The README alone quotes the demo's run, list and doctor: a finder
	 * that found few has broken, not the docs. */
	EXPECT_GE(quoted.size(), 10u);

	for (const Quoted &q : quoted) {
		std::vector<std::string> args = words(q.line);
		args.erase(args.begin()); /* "primecam" */
		/* "`primecam doctor` says ..." names a command rather than
		 * quoting a command line: the command must exist. */
		if (args.size() == 1 && !args[0].starts_with("-") && args[0] != "list")
			args.push_back("--help");
		CommandLine parsed;
		testing::internal::CaptureStdout();
		testing::internal::CaptureStderr();
		int status = parseCommandLine(args, parsed);
		std::string out = testing::internal::GetCapturedStdout();
		std::string err = testing::internal::GetCapturedStderr();
		EXPECT_EQ(status, 0) << q.where << ": `" << q.line << "` does not parse:\n"
				     << err << out;
	}
}

TEST(DocCommands, TheParserRefusesWhatTheDocsMustNotSay)
{
	/* The finder's counterpart: these fail, so a pass above means
	 * something. */
	for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
		     {"--doctor", "configs/webcam-gl-window.toml"},
		     {"run"},
		     {"run", "x.toml", "--frames", "N"},
		     {"doctor"},
		     {"show", "x.toml"},
	     }) {
		CommandLine parsed;
		testing::internal::CaptureStderr();
		int status = parseCommandLine(args, parsed);
		testing::internal::GetCapturedStderr();
		EXPECT_EQ(status, 2) << args[0];
		EXPECT_EQ(parsed.command, CommandLine::Command::None);
	}
}

TEST(DocCommands, ParsesIntoTheCommand)
{
	CommandLine parsed;
	ASSERT_EQ(parseCommandLine({"run", "c.toml", "--frames", "3", "--stats", "s.json"}, parsed),
		  0);
	EXPECT_EQ(parsed.command, CommandLine::Command::Run);
	EXPECT_EQ(parsed.run.configPath, "c.toml");
	EXPECT_EQ(parsed.run.frames, 3u);
	EXPECT_EQ(parsed.run.statsPath, "s.json");
	ASSERT_EQ(parseCommandLine({"run", "--doctor", "c.toml"}, parsed), 0);
	EXPECT_EQ(parsed.command, CommandLine::Command::Doctor);
	EXPECT_EQ(parsed.config, "c.toml");
	ASSERT_EQ(parseCommandLine({"list"}, parsed), 0);
	EXPECT_EQ(parsed.command, CommandLine::Command::List);
}

} /* namespace */
} /* namespace primecam */
