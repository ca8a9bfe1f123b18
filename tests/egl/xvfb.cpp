/* SPDX-License-Identifier: MIT */
#include "tests/egl/xvfb.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace primecam::test {

namespace {

/* Under the VM's software emulation the server and its keymap compiler
 * (xkbcomp, run at start-up) take a few seconds; this is for a hang. */
constexpr auto kStartTimeout = std::chrono::seconds(60);

std::optional<std::string> environment(const char *name)
{
	const char *value = std::getenv(name);
	return value ? std::optional<std::string>(value) : std::nullopt;
}

void restore(const char *name, const std::optional<std::string> &value)
{
	if (value)
		::setenv(name, value->c_str(), 1);
	else
		::unsetenv(name);
}

} /* namespace */

std::string Xvfb::find()
{
	const char *path = std::getenv("PATH");
	std::string all = path ? path : "/usr/bin:/bin";
	size_t start = 0;
	while (start <= all.size()) {
		size_t end = all.find(':', start);
		if (end == std::string::npos)
			end = all.size();
		std::string candidate = all.substr(start, end - start) + "/Xvfb";
		if (::access(candidate.c_str(), X_OK) == 0)
			return candidate;
		start = end + 1;
	}
	return {};
}

Xvfb::~Xvfb()
{
	kill();
	if (!logPath_.empty())
		::unlink(logPath_.c_str());
	if (environmentSaved_) {
		restore("DISPLAY", savedDisplay_);
		restore("MESA_SHADER_CACHE_DISABLE", savedShaderCache_);
	}
}

void Xvfb::kill()
{
	if (pid_ <= 0)
		return;
	::kill(pid_, SIGTERM);
	::waitpid(pid_, nullptr, 0);
	pid_ = -1;
}

std::string Xvfb::serverLog() const
{
	std::ifstream file(logPath_);
	std::stringstream text;
	text << file.rdbuf();
	return text.str();
}

Result<void> Xvfb::start(const std::string &binary)
{
	if (pid_ > 0)
		return Error{EBUSY, "Xvfb: already started on " + display_};

	/* The server's stderr, for the error message: it says why it failed
	 * (a display it could not lock, a keymap it could not compile). */
	char logTemplate[] = "/tmp/primecam-xvfb-XXXXXX";
	UniqueFd log(::mkostemp(logTemplate, O_CLOEXEC));
	if (log.get() < 0)
		return Error::fromErrno(errno, "Xvfb: a log file in /tmp");
	logPath_ = logTemplate;

	/*
	 * -displayfd: the server takes the first display number it can lock
	 * and writes it to the pipe once it accepts connections. No guessing
	 * of a free number (another test run may be starting a server at the
	 * same time) and no polling for its socket.
	 */
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) < 0)
		return Error::fromErrno(errno, "Xvfb: pipe");
	UniqueFd readEnd(fds[0]);
	UniqueFd writeEnd(fds[1]);
	/* Everything the child needs, made before fork: after it, in a
	 * process that may have threads, only async-signal-safe calls. */
	std::string displayFd = std::to_string(writeEnd.get());
	std::string screen =
		std::to_string(kScreenWidth) + "x" + std::to_string(kScreenHeight) + "x24";
	pid_t parent = ::getpid();

	pid_ = ::fork();
	if (pid_ < 0) {
		pid_ = -1;
		return Error::fromErrno(errno, "Xvfb: fork");
	}
	if (pid_ == 0) {
		/* A test that crashes must not leave its server behind. */
		::prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (::getppid() != parent)
			::_exit(127);
		/* The pipe's write end, open across exec in this child only. */
		if (::fcntl(writeEnd.get(), F_SETFD, 0) < 0 ||
		    ::dup2(log.get(), STDOUT_FILENO) < 0 || ::dup2(log.get(), STDERR_FILENO) < 0)
			::_exit(127);
		::execl(binary.c_str(), "Xvfb", "-displayfd", displayFd.c_str(), "-screen", "0",
			screen.c_str(), "-nolisten", "tcp", static_cast<char *>(nullptr));
		::_exit(127);
	}
	/* Only the child writes: its exit is then an end of file here. */
	writeEnd.reset();

	std::string number;
	auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
	for (;;) {
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
			deadline - std::chrono::steady_clock::now());
		struct pollfd pfd = {readEnd.get(), POLLIN, 0};
		int ready = left.count() > 0 ? ::poll(&pfd, 1, static_cast<int>(left.count())) : 0;
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			kill();
			return Error{ETIMEDOUT, "Xvfb: not ready after " +
							std::to_string(kStartTimeout.count()) +
							" s; it said: " + serverLog()};
		}
		char c;
		ssize_t n = ::read(readEnd.get(), &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int status = 0;
			::waitpid(pid_, &status, 0);
			pid_ = -1;
			std::string how =
				WIFEXITED(status)
					? "exited with " + std::to_string(WEXITSTATUS(status))
					: "was killed by signal " +
						  std::to_string(WTERMSIG(status));
			return Error{EIO, "Xvfb " + how +
						  " before it was ready; it said: " + serverLog()};
		}
		if (c == '\n')
			break;
		number += c;
	}
	display_ = ":" + number;

	if (!environmentSaved_) {
		savedDisplay_ = environment("DISPLAY");
		savedShaderCache_ = environment("MESA_SHADER_CACHE_DISABLE");
		environmentSaved_ = true;
	}
	::setenv("DISPLAY", display_.c_str(), 1);
	/* Mesa's shader cache wants a writable $HOME (the VM's root is
	 * read-only); a test's few shaders gain nothing from it. */
	::setenv("MESA_SHADER_CACHE_DISABLE", "true", 1);
	return {};
}

} /* namespace primecam::test */
