/* SPDX-License-Identifier: MIT */
#include "base/small_file.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace primecam {

std::string readSmallFile(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		return {};
	char buffer[4096];
	ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
	return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

} /* namespace primecam */
