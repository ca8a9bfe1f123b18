/* SPDX-License-Identifier: MIT */
#pragma once
/* The helpers the EventLoop tests share: loops, pipes, a watchdog. */

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "base/event_loop.h"
#include "base/unique_fd.h"

using namespace std::chrono_literals;
using primecam::EventLoop;
using primecam::UniqueFd;

namespace {

/*
 * Timeouts below are upper bounds only, generous enough for ASan and
 * valgrind on a loaded machine: a correct loop returns long before them.
 */
constexpr int kWaitMs = 10000;
constexpr auto kWatchdog = 30s;

inline std::unique_ptr<EventLoop> newLoop()
{
	auto loop = EventLoop::create();
	EXPECT_TRUE(loop.ok()) << (loop.ok() ? "" : loop.error().message);
	if (!loop.ok())
		return nullptr;
	return std::move(loop).value();
}

struct Pipe {
	UniqueFd read;
	UniqueFd write;
};

inline Pipe newPipe()
{
	int fds[2];
	EXPECT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
	return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

/*
 * A pipe whose read end has the number `number`, just freed by the caller.
 * The kernel hands out the lowest free number, which usually is that one;
 * dup3() makes it certain whatever else the test program has open.
 */
inline Pipe newPipeAt(int number)
{
	Pipe p = newPipe();
	if (p.read.get() != number) {
		EXPECT_EQ(::dup3(p.read.get(), number, O_CLOEXEC), number);
		p.read.reset(number);
	}
	return p;
}

inline void writeByte(const UniqueFd &fd, char c = 'x')
{
	ASSERT_EQ(::write(fd.get(), &c, 1), 1);
}

/* Makes run() fail a test instead of hanging it if the awaited event never
 * comes. */
inline void armWatchdog(EventLoop &loop)
{
	auto id = loop.addTimer(kWatchdog, 0ns, [&loop] {
		ADD_FAILURE() << "watchdog expired";
		loop.exit(-1);
	});
	ASSERT_TRUE(id.ok());
}

/* Dispatches until pred() holds, giving up (and failing) after kWaitMs in
 * total. */
template<typename Pred>
inline void dispatchUntil(EventLoop &loop, Pred pred)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
	while (!pred() && std::chrono::steady_clock::now() < deadline)
		ASSERT_GE(loop.dispatch(100), 0);
	ASSERT_TRUE(pred());
}

inline std::set<int> openFds()
{
	std::set<int> fds;
	DIR *dir = ::opendir("/proc/self/fd");
	if (!dir)
		return fds;
	int self = ::dirfd(dir);
	while (dirent *entry = ::readdir(dir)) {
		if (entry->d_name[0] == '.')
			continue;
		int fd = std::stoi(entry->d_name);
		if (fd != self)
			fds.insert(fd);
	}
	::closedir(dir);
	return fds;
}

inline bool isBlocked(int signo)
{
	sigset_t mask;
	::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
	return sigismember(&mask, signo) == 1;
}

} /* namespace */
