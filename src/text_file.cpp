/* SPDX-License-Identifier: MIT */
#include "src/text_file.h"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace primecam {

Result<void> writeTextFile(const std::string &path, std::string_view text, std::string_view what)
{
	std::string name = std::string(what) + " " + path;
	UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
	if (!fd)
		return Error::fromErrno(errno, "creating " + name);
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return Error::fromErrno(errno, "writing " + name);
		done += static_cast<size_t>(n);
	}
	/* close() reports late write errors (NFS, 9p): check it, not the
	 * destructor's silent close. */
	if (::close(fd.release()) < 0)
		return Error::fromErrno(errno, "closing " + name);
	return {};
}

} /* namespace primecam */
