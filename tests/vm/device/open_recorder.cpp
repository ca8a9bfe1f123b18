/* SPDX-License-Identifier: MIT */
#include "open_recorder.h"

#include <atomic>
#include <cstdarg>
#include <mutex>

#include <dlfcn.h>
#include <fcntl.h>

namespace {

std::atomic<bool> armed{false};
std::mutex lock;
std::vector<std::string> &paths()
{
	static std::vector<std::string> recorded;
	return recorded;
}

} /* namespace */

/* glibc declares open() with __nonnull and no noexcept in C++; the mode
 * argument is there only with O_CREAT or O_TMPFILE. */
extern "C" int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list args;
		va_start(args, flags);
		mode = static_cast<mode_t>(va_arg(args, int));
		va_end(args);
	}
	if (armed.load()) {
		std::string_view text = path;
		if (text.starts_with("/dev/video") || text.starts_with("/dev/dri/")) {
			std::lock_guard<std::mutex> guard(lock);
			paths().emplace_back(text);
		}
	}
	using OpenFn = int (*)(const char *, int, ...);
	static OpenFn next = reinterpret_cast<OpenFn>(::dlsym(RTLD_NEXT, "open"));
	return next(path, flags, mode);
}

namespace primecam::test {

OpenRecorder::OpenRecorder()
{
	std::lock_guard<std::mutex> guard(lock);
	paths().clear();
	armed = true;
}

OpenRecorder::~OpenRecorder()
{
	armed = false;
}

std::vector<std::string> OpenRecorder::opened() const
{
	std::lock_guard<std::mutex> guard(lock);
	return paths();
}

} /* namespace primecam::test */
