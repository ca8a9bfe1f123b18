/* SPDX-License-Identifier: MIT */
#include "base/process_start.h"

#include <cerrno>
#include <charconv>
#include <ctime>

#include <fcntl.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace primecam {

namespace {

int64_t clockNs(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} /* namespace */

std::optional<uint64_t> procStatStartTicks(std::string_view stat)
{
	size_t close = stat.rfind(')');
	if (close == std::string_view::npos)
		return std::nullopt;
	/* After ") " comes field 3 (state); starttime is field 22. */
	std::string_view rest = stat.substr(close + 1);
	for (int field = 3; field <= 22; ++field) {
		size_t begin = rest.find_first_not_of(' ');
		if (begin == std::string_view::npos)
			return std::nullopt;
		rest.remove_prefix(begin);
		size_t end = rest.find(' ');
		std::string_view token = rest.substr(0, end);
		if (field == 22) {
			uint64_t ticks = 0;
			auto [ptr, ec] =
				std::from_chars(token.data(), token.data() + token.size(), ticks);
			if (ec != std::errc() || ptr != token.data() + token.size())
				return std::nullopt;
			return ticks;
		}
		if (end == std::string_view::npos)
			return std::nullopt;
		rest.remove_prefix(end);
	}
	return std::nullopt;
}

Result<int64_t> processStartMonotonicNs()
{
	UniqueFd fd(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
	if (!fd)
		return Error::fromErrno(errno, "opening /proc/self/stat");
	char buffer[1024];
	ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
	if (n < 0)
		return Error::fromErrno(errno, "reading /proc/self/stat");
	std::optional<uint64_t> ticks =
		procStatStartTicks(std::string_view(buffer, static_cast<size_t>(n)));
	long hz = ::sysconf(_SC_CLK_TCK);
	if (!ticks || hz <= 0)
		return Error{EINVAL, "/proc/self/stat: no start time in it"};
	int64_t startBoottimeNs =
		static_cast<int64_t>(*ticks) * (1000000000 / static_cast<int64_t>(hz));
	/* CLOCK_BOOTTIME runs ahead of CLOCK_MONOTONIC by the time spent
	 * suspended; read both back to back to carry the start across. */
	int64_t monotonic = clockNs(CLOCK_MONOTONIC);
	int64_t boottime = clockNs(CLOCK_BOOTTIME);
	return startBoottimeNs - (boottime - monotonic);
}

} /* namespace primecam */
