/* SPDX-License-Identifier: MIT */
#include "base/directory_watch.h"

#include <cerrno>

#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace primecam {

Result<DirectoryWatch> DirectoryWatch::create(EventLoop &loop, const std::string &dir,
					      ChangeFn onChange)
{
	DirectoryWatch watch;
	watch.fd_ = UniqueFd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	if (!watch.fd_)
		return Error::fromErrno(errno, "inotify_init1");
	if (inotify_add_watch(watch.fd_.get(), dir.c_str(), IN_CREATE | IN_ATTRIB | IN_MOVED_TO) <
	    0)
		return Error::fromErrno(errno, "inotify_add_watch(" + dir + ")");
	watch.onChange_ = std::make_unique<ChangeFn>(std::move(onChange));
	const int fd = watch.fd_.get();
	ChangeFn *callback = watch.onChange_.get();
	int ret = watch.watch_.watch(loop, fd, EPOLLIN, [fd, callback](uint32_t) {
		/* Every event read: the level-triggered loop would wake again
		 * for the rest. What they were does not matter. */
		alignas(inotify_event) char buf[4096];
		while (::read(fd, buf, sizeof(buf)) > 0) {
		}
		(*callback)();
	});
	if (ret < 0)
		return Error::fromErrno(-ret, "watching " + dir + " on the event loop");
	return watch;
}

} /* namespace primecam */
