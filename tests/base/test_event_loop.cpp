/* SPDX-License-Identifier: MIT */
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

std::unique_ptr<EventLoop> newLoop()
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

Pipe newPipe()
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
Pipe newPipeAt(int number)
{
	Pipe p = newPipe();
	if (p.read.get() != number) {
		EXPECT_EQ(::dup3(p.read.get(), number, O_CLOEXEC), number);
		p.read.reset(number);
	}
	return p;
}

void writeByte(const UniqueFd &fd, char c = 'x')
{
	ASSERT_EQ(::write(fd.get(), &c, 1), 1);
}

/* Makes run() fail a test instead of hanging it if the awaited event never
 * comes. */
void armWatchdog(EventLoop &loop)
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
void dispatchUntil(EventLoop &loop, Pred pred)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
	while (!pred() && std::chrono::steady_clock::now() < deadline)
		ASSERT_GE(loop.dispatch(100), 0);
	ASSERT_TRUE(pred());
}

std::set<int> openFds()
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

bool isBlocked(int signo)
{
	sigset_t mask;
	::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
	return sigismember(&mask, signo) == 1;
}

} /* namespace */

TEST(EventLoop, PipeReadableDeliversEpollinAndData)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	int calls = 0;
	uint32_t got = 0;
	std::string data;
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN,
			      [&](uint32_t events) {
				      calls++;
				      got = events;
				      char buf[16];
				      ssize_t n = ::read(p.read.get(), buf, sizeof(buf));
				      if (n > 0)
					      data.append(buf, static_cast<size_t>(n));
			      }),
		  0);

	writeByte(p.write, 'a');
	writeByte(p.write, 'b');
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(calls, 1);
	EXPECT_TRUE(got & EPOLLIN);
	EXPECT_EQ(data, "ab");

	/* Drained: nothing more to dispatch. */
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, 1);
}

TEST(EventLoop, AddFdTwiceIsEexist)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	int first = 0, second = 0;
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN, [&](uint32_t) { first++; }), 0);
	EXPECT_EQ(loop->addFd(p.read.get(), EPOLLIN, [&](uint32_t) { second++; }), -EEXIST);

	/* The first registration is untouched by the failed second one. */
	writeByte(p.write);
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(first, 1);
	EXPECT_EQ(second, 0);
}

TEST(EventLoop, InvalidArguments)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	EXPECT_EQ(loop->addFd(-1, EPOLLIN, [](uint32_t) {}), -EBADF);
	EXPECT_EQ(loop->addFd(p.read.get(), EPOLLIN, nullptr), -EINVAL);
	EXPECT_EQ(loop->modifyFd(p.read.get(), EPOLLIN), -ENOENT);
	loop->removeFd(p.read.get()); /* not watched: a no-op */

	/* epoll refuses regular files: they are always "ready". */
	char path[] = "/tmp/primecam-event-loop-XXXXXX";
	UniqueFd file(::mkstemp(path));
	ASSERT_TRUE(file);
	::unlink(path);
	EXPECT_EQ(loop->addFd(file.get(), EPOLLIN, [](uint32_t) {}), -EPERM);

	auto negative = loop->addTimer(-1ms, 0ns, [] {});
	ASSERT_FALSE(negative.ok());
	EXPECT_EQ(negative.error().code, EINVAL);
	auto empty = loop->addTimer(1ms, 0ns, nullptr);
	ASSERT_FALSE(empty.ok());
	EXPECT_EQ(empty.error().code, EINVAL);

	auto noop = [](const signalfd_siginfo &) {};
	EXPECT_EQ(loop->addSignal(SIGKILL, noop), -EINVAL);
	EXPECT_EQ(loop->addSignal(SIGSTOP, noop), -EINVAL);
	EXPECT_EQ(loop->addSignal(0, noop), -EINVAL);
	EXPECT_EQ(loop->addSignal(1000, noop), -EINVAL);
}

TEST(EventLoop, ModifyFdChangesEvents)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	int calls = 0;
	uint32_t got = 0;
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN,
			      [&](uint32_t events) {
				      calls++;
				      got = events;
			      }),
		  0);
	writeByte(p.write);

	ASSERT_EQ(loop->modifyFd(p.read.get(), 0), 0);
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, 0);

	ASSERT_EQ(loop->modifyFd(p.read.get(), EPOLLIN), 0);
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(calls, 1);
	EXPECT_TRUE(got & EPOLLIN);
}

TEST(EventLoop, RemoveFdFromItsOwnCallback)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	int calls = 0;
	/* Heap state captured by value: if removeFd() destroyed the running
	 * callback, touching it afterwards is a use-after-free that ASan and
	 * valgrind report. */
	std::vector<int> captured(64, 7);
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN,
			      [&loop, &calls, &p, captured](uint32_t) {
				      loop->removeFd(p.read.get());
				      calls += captured[63];
			      }),
		  0);

	writeByte(p.write);
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(calls, 7);

	/* Still readable (never drained), but no longer watched. */
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, 7);
	EXPECT_EQ(loop->modifyFd(p.read.get(), EPOLLIN), -ENOENT);
}

TEST(EventLoop, RemoveFdOfAnotherFdInTheSameBatch)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe a = newPipe();
	Pipe b = newPipe();

	/* Both are ready before the one epoll_wait, so both events are in its
	 * batch; whichever runs first removes the other, which must not run. */
	int calls = 0;
	auto drainAndRemove = [&](Pipe &self, Pipe &other) {
		calls++;
		char byte;
		EXPECT_EQ(::read(self.read.get(), &byte, 1), 1);
		loop->removeFd(other.read.get());
	};
	ASSERT_EQ(loop->addFd(a.read.get(), EPOLLIN, [&](uint32_t) { drainAndRemove(a, b); }), 0);
	ASSERT_EQ(loop->addFd(b.read.get(), EPOLLIN, [&](uint32_t) { drainAndRemove(b, a); }), 0);
	writeByte(a.write);
	writeByte(b.write);

	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(calls, 1);
	/* The removed one is still readable but no longer watched. */
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, 1);
}

TEST(EventLoop, FdNumberReusedAcrossRegistrations)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	int oldCalls = 0, newCalls = 0;
	Pipe p = newPipe();
	int number = p.read.get();
	ASSERT_EQ(loop->addFd(number, EPOLLIN, [&](uint32_t) { oldCalls++; }), 0);
	loop->removeFd(number);
	p = Pipe{};

	Pipe q = newPipeAt(number);
	ASSERT_EQ(loop->addFd(number, EPOLLIN, [&](uint32_t) { newCalls++; }), 0);
	writeByte(q.write);

	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(oldCalls, 0);
	EXPECT_EQ(newCalls, 1);
}

TEST(EventLoop, FdClosedWithoutRemoveThenNumberReused)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	int oldCalls = 0, newCalls = 0;
	Pipe p = newPipe();
	int number = p.read.get();
	ASSERT_EQ(loop->addFd(number, EPOLLIN, [&](uint32_t) { oldCalls++; }), 0);
	/* Closing drops the kernel registration but not the loop's record. */
	p = Pipe{};

	Pipe q = newPipeAt(number);
	/* The kernel accepts the new file under the old number: not -EEXIST. */
	ASSERT_EQ(loop->addFd(number, EPOLLIN, [&](uint32_t) { newCalls++; }), 0);
	writeByte(q.write);

	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(oldCalls, 0);
	EXPECT_EQ(newCalls, 1);

	loop->removeFd(number);
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(newCalls, 1);
}

TEST(EventLoop, FdNumberReusedWithinOneBatch)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe a = newPipe();
	Pipe b = newPipe();
	Pipe c;

	/*
	 * Both a and b are ready in one batch. Whichever callback runs first
	 * removes and closes the other's read end, opens a new pipe c (whose
	 * read end gets the freed number) and watches it. The stale event of
	 * the closed fd, still in the batch, must not reach c's callback: a
	 * loop that looked events up by fd number would call it here.
	 */
	int firstCalls = 0, cCalls = 0;
	int freed = -1;
	auto first = [&](Pipe &self, Pipe &other) {
		char byte;
		EXPECT_EQ(::read(self.read.get(), &byte, 1), 1);
		firstCalls++;
		freed = other.read.get();
		loop->removeFd(freed);
		other.read.reset();
		c = newPipeAt(freed);
		EXPECT_EQ(loop->addFd(c.read.get(), EPOLLIN, [&](uint32_t) { cCalls++; }), 0);
		writeByte(c.write);
	};
	ASSERT_EQ(loop->addFd(a.read.get(), EPOLLIN, [&](uint32_t) { first(a, b); }), 0);
	ASSERT_EQ(loop->addFd(b.read.get(), EPOLLIN, [&](uint32_t) { first(b, a); }), 0);
	writeByte(a.write);
	writeByte(b.write);

	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(firstCalls, 1);
	EXPECT_EQ(c.read.get(), freed);
	EXPECT_EQ(cCalls, 0);

	/* c's own readiness comes in the next round, and only it. */
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(firstCalls, 1);
	EXPECT_EQ(cCalls, 1);
}

TEST(EventLoop, HangupDeliveredWhenWriterCloses)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	/* Ask for nothing: epoll reports EPOLLHUP regardless, and the loop
	 * must pass it on, not swallow it. */
	uint32_t got = 0;
	ASSERT_EQ(loop->addFd(p.read.get(), 0,
			      [&](uint32_t events) {
				      got = events;
				      loop->removeFd(p.read.get());
			      }),
		  0);
	EXPECT_EQ(loop->dispatch(0), 0);

	p.write.reset();
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_TRUE(got & EPOLLHUP);
}

TEST(EventLoop, ErrorDeliveredWhenReaderCloses)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	uint32_t got = 0;
	ASSERT_EQ(loop->addFd(p.write.get(), 0,
			      [&](uint32_t events) {
				      got = events;
				      loop->removeFd(p.write.get());
			      }),
		  0);
	p.read.reset();
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_TRUE(got & EPOLLERR);
}

TEST(EventLoop, OneShotTimerFiresOnceAndReleasesItsFd)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	std::set<int> before = openFds();

	int calls = 0;
	auto id = loop->addTimer(1ms, 0ns, [&] { calls++; });
	ASSERT_TRUE(id.ok());
	EXPECT_NE(*id, 0u);
	EXPECT_EQ(openFds().size(), before.size() + 1);

	dispatchUntil(*loop, [&] { return calls > 0; });
	EXPECT_EQ(calls, 1);
	/* Removed itself: its timerfd is closed and nothing fires again. */
	EXPECT_EQ(openFds(), before);
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, 1);
	loop->cancelTimer(*id); /* already gone: a no-op */
}

TEST(EventLoop, ZeroDelayTimerFires)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	/* An all-zero it_value disarms a timerfd; the loop must not. */
	int calls = 0;
	ASSERT_TRUE(loop->addTimer(0ns, 0ns, [&] { calls++; }).ok());
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(calls, 1);
}

TEST(EventLoop, PeriodicTimerWaitsForItsInterval)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	/* Fires now, then not for an hour: a loop that left the expiration
	 * count unread would see the timerfd readable again at once. */
	int calls = 0;
	ASSERT_TRUE(loop->addTimer(0ns, 1h, [&] { calls++; }).ok());
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, 1);
}

TEST(EventLoop, PeriodicTimerFiresRepeatedlyUntilCancelledFromItsCallback)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	armWatchdog(*loop);

	constexpr int kTicks = 5;
	int calls = 0;
	EventLoop::TimerId id = 0;
	std::vector<int> captured(64, 1); /* see RemoveFdFromItsOwnCallback */
	auto added = loop->addTimer(1ms, 1ms, [&, captured] {
		if (++calls == kTicks) {
			loop->cancelTimer(id);
			calls += captured[63] - 1;
			loop->exit(0);
		}
	});
	ASSERT_TRUE(added.ok());
	id = *added;

	EXPECT_EQ(loop->run(), 0);
	EXPECT_EQ(calls, kTicks);

	/* Cancelled: even after several more periods, no more calls. */
	std::this_thread::sleep_for(20ms);
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(calls, kTicks);
}

TEST(EventLoop, CancelAnotherTimerInTheSameBatch)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	int aCalls = 0, bCalls = 0;
	EventLoop::TimerId a = 0, b = 0;
	auto ra = loop->addTimer(1ms, 0ns, [&] {
		aCalls++;
		loop->cancelTimer(b);
	});
	auto rb = loop->addTimer(1ms, 0ns, [&] {
		bCalls++;
		loop->cancelTimer(a);
	});
	ASSERT_TRUE(ra.ok() && rb.ok());
	a = *ra;
	b = *rb;

	/* A lower bound only: both have expired before the one epoll_wait. */
	std::this_thread::sleep_for(10ms);
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(aCalls + bCalls, 1);
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_EQ(aCalls + bCalls, 1);
}

TEST(EventLoop, CancelTimerIgnoresFdIds)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();

	/* Ids come from one counter; the id right after a timer's is the next
	 * registration's, here an fd's. cancelTimer() must not remove it. */
	auto timer = loop->addTimer(1h, 0ns, [] {});
	ASSERT_TRUE(timer.ok());
	int calls = 0;
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN, [&](uint32_t) { calls++; }), 0);
	loop->cancelTimer(*timer + 1);
	loop->cancelTimer(*timer);

	writeByte(p.write);
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(calls, 1);
}

TEST(EventLoop, SignalDeliveredThroughSignalfd)
{
	ASSERT_FALSE(isBlocked(SIGUSR1));
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	int calls = 0;
	uint32_t signo = 0;
	int pid = 0;
	ASSERT_EQ(loop->addSignal(SIGUSR1,
				  [&](const signalfd_siginfo &info) {
					  calls++;
					  signo = info.ssi_signo;
					  pid = static_cast<int>(info.ssi_pid);
				  }),
		  0);
	EXPECT_TRUE(isBlocked(SIGUSR1));
	EXPECT_EQ(loop->addSignal(SIGUSR1, [](const signalfd_siginfo &) {}), -EEXIST);

	/* Blocked, so raise() leaves it pending instead of killing us. */
	ASSERT_EQ(::raise(SIGUSR1), 0);
	dispatchUntil(*loop, [&] { return calls > 0; });
	EXPECT_EQ(calls, 1);
	EXPECT_EQ(signo, static_cast<uint32_t>(SIGUSR1));
	EXPECT_EQ(pid, ::getpid());
}

TEST(EventLoop, TwoSignalsShareTheSignalfd)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	std::set<int> before = openFds();

	std::vector<uint32_t> got;
	auto record = [&](const signalfd_siginfo &info) { got.push_back(info.ssi_signo); };
	ASSERT_EQ(loop->addSignal(SIGUSR1, record), 0);
	ASSERT_EQ(loop->addSignal(SIGUSR2, record), 0);
	EXPECT_EQ(openFds().size(), before.size() + 1) << "one signalfd for all signals";

	ASSERT_EQ(::raise(SIGUSR2), 0);
	ASSERT_EQ(::raise(SIGUSR1), 0);
	dispatchUntil(*loop, [&] { return got.size() >= 2; });
	ASSERT_EQ(got.size(), 2u);
	EXPECT_NE(got[0], got[1]);
}

TEST(EventLoop, SignalMaskRestoredWhenLoopDestroyed)
{
	ASSERT_FALSE(isBlocked(SIGUSR1));
	/* SIGUSR2 was blocked by someone else before: it must stay blocked. */
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &usr2, nullptr), 0);
	{
		auto loop = newLoop();
		ASSERT_TRUE(loop);
		ASSERT_EQ(loop->addSignal(SIGUSR1, [](const signalfd_siginfo &) {}), 0);
		ASSERT_EQ(loop->addSignal(SIGUSR2, [](const signalfd_siginfo &) {}), 0);
		EXPECT_TRUE(isBlocked(SIGUSR1));
		EXPECT_TRUE(isBlocked(SIGUSR2));
	}
	EXPECT_FALSE(isBlocked(SIGUSR1));
	EXPECT_TRUE(isBlocked(SIGUSR2));
	ASSERT_EQ(::pthread_sigmask(SIG_UNBLOCK, &usr2, nullptr), 0);
}

TEST(EventLoop, RemoveSignalRestoresMask)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	int calls = 0;
	ASSERT_EQ(loop->addSignal(SIGUSR1, [&](const signalfd_siginfo &) { calls++; }), 0);
	EXPECT_TRUE(isBlocked(SIGUSR1));
	loop->removeSignal(SIGUSR1);
	EXPECT_FALSE(isBlocked(SIGUSR1));

	/* And it can be added again. */
	ASSERT_EQ(loop->addSignal(SIGUSR1, [&](const signalfd_siginfo &) { calls++; }), 0);
	ASSERT_EQ(::raise(SIGUSR1), 0);
	dispatchUntil(*loop, [&] { return calls > 0; });
	EXPECT_EQ(calls, 1);
}

namespace {
std::atomic<int> handlerCalls{0};
void countingHandler(int)
{
	handlerCalls++;
}
} /* namespace */

TEST(EventLoop, PendingSignalDiscardedOnDestruction)
{
	/* A handler instead of the default action, so a leaked signal fails
	 * this test rather than killing the test program. */
	struct sigaction sa {};
	struct sigaction old {};
	sa.sa_handler = countingHandler;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(::sigaction(SIGUSR1, &sa, &old), 0);
	handlerCalls = 0;
	{
		auto loop = newLoop();
		ASSERT_TRUE(loop);
		ASSERT_EQ(loop->addSignal(SIGUSR1, [](const signalfd_siginfo &) {}), 0);
		ASSERT_EQ(::raise(SIGUSR1), 0);
		/* Never dispatched: still pending when the loop goes. */
	}
	EXPECT_FALSE(isBlocked(SIGUSR1));
	EXPECT_EQ(handlerCalls.load(), 0);
	ASSERT_EQ(::sigaction(SIGUSR1, &old, nullptr), 0);
}

TEST(EventLoop, PostFromThreadsRunsAllInOrderOnLoopThread)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	armWatchdog(*loop);

	constexpr int kThreads = 4;
	constexpr int kItems = 1000;
	const std::thread::id loopThread = std::this_thread::get_id();

	/* Touched only on the loop thread, by the posted functions. */
	std::vector<int> next(kThreads, 0);
	int total = 0, outOfOrder = 0, wrongThread = 0;

	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++) {
		threads.emplace_back([&, t] {
			for (int i = 0; i < kItems; i++) {
				loop->post([&, t, i] {
					if (std::this_thread::get_id() != loopThread)
						wrongThread++;
					if (next[t] != i)
						outOfOrder++;
					next[t] = i + 1;
					if (++total == kThreads * kItems)
						loop->exit(0);
				});
			}
		});
	}

	int ret = loop->run();
	for (auto &thread : threads)
		thread.join();

	EXPECT_EQ(ret, 0);
	EXPECT_EQ(total, kThreads * kItems);
	EXPECT_EQ(outOfOrder, 0);
	EXPECT_EQ(wrongThread, 0);
	for (int t = 0; t < kThreads; t++)
		EXPECT_EQ(next[t], kItems);
}

TEST(EventLoop, PostFromCallbackRunsInNextRound)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	std::vector<int> order;
	loop->post([&] {
		order.push_back(1);
		loop->post([&] { order.push_back(3); });
	});
	loop->post([&] { order.push_back(2); });

	EXPECT_EQ(loop->dispatch(kWaitMs), 2);
	EXPECT_EQ(order, (std::vector<int>{1, 2}));
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, PendingPostsDestroyedWithLoop)
{
	auto token = std::make_shared<int>(0);
	{
		auto loop = newLoop();
		ASSERT_TRUE(loop);
		loop->post([token] { ADD_FAILURE() << "ran after destruction"; });
		EXPECT_EQ(token.use_count(), 2);
	}
	EXPECT_EQ(token.use_count(), 1);
}

TEST(EventLoop, RunReturnsExitCode)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	armWatchdog(*loop);

	Pipe p = newPipe();
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN, [&](uint32_t) { loop->exit(42); }), 0);
	writeByte(p.write);
	EXPECT_EQ(loop->run(), 42);
	loop->removeFd(p.read.get());

	/* From another thread, through post(). */
	std::thread other([&] { loop->post([&] { loop->exit(7); }); });
	EXPECT_EQ(loop->run(), 7);
	other.join();

	/* exit() before run() makes run() return at once. */
	loop->exit(3);
	EXPECT_EQ(loop->run(), 3);
}

TEST(EventLoop, DispatchWithNothingReadyReturnsZeroPromptly)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);
	Pipe p = newPipe();
	ASSERT_EQ(loop->addFd(p.read.get(), EPOLLIN, [](uint32_t) {}), 0);

	auto start = std::chrono::steady_clock::now();
	EXPECT_EQ(loop->dispatch(0), 0);
	EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

namespace {
void emptyHandler(int)
{}
} /* namespace */

TEST(EventLoop, InterruptedDispatchIsNotAnError)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	/* epoll_wait() fails with EINTR when a handler runs, SA_RESTART or
	 * not. Keep interrupting the loop thread until dispatch() returns. */
	struct sigaction sa {};
	struct sigaction old {};
	sa.sa_handler = emptyHandler;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(::sigaction(SIGUSR2, &sa, &old), 0);

	std::atomic<bool> done{false};
	pthread_t loopThread = ::pthread_self();
	std::thread interrupter([&] {
		while (!done) {
			::pthread_kill(loopThread, SIGUSR2);
			std::this_thread::sleep_for(1ms);
		}
	});

	auto start = std::chrono::steady_clock::now();
	int ret = loop->dispatch(kWaitMs);
	auto elapsed = std::chrono::steady_clock::now() - start;
	done = true;
	interrupter.join();
	ASSERT_EQ(::sigaction(SIGUSR2, &old, nullptr), 0);

	EXPECT_EQ(ret, 0);
	EXPECT_LT(elapsed, std::chrono::milliseconds(kWaitMs)) << "never interrupted";
}

TEST(EventLoop, DispatchAndRunRefuseNesting)
{
	auto loop = newLoop();
	ASSERT_TRUE(loop);

	int nestedDispatch = 0, nestedRun = 0;
	loop->post([&] {
		nestedDispatch = loop->dispatch(0);
		nestedRun = loop->run();
	});
	EXPECT_EQ(loop->dispatch(kWaitMs), 1);
	EXPECT_EQ(nestedDispatch, -EBUSY);
	EXPECT_EQ(nestedRun, -EBUSY);
}

TEST(EventLoop, NoFdLeaks)
{
	std::set<int> before = openFds();
	{
		auto loop = newLoop();
		ASSERT_TRUE(loop);
		ASSERT_TRUE(loop->addTimer(1h, 0ns, [] {}).ok());
		ASSERT_TRUE(loop->addTimer(1h, 1h, [] {}).ok());
		int fired = 0;
		ASSERT_TRUE(loop->addTimer(0ns, 0ns, [&] { fired++; }).ok());
		ASSERT_EQ(loop->addSignal(SIGUSR1, [](const signalfd_siginfo &) {}), 0);
		ASSERT_EQ(loop->addSignal(SIGUSR2, [](const signalfd_siginfo &) {}), 0);
		loop->post([] {});
		EXPECT_GE(openFds().size(), before.size() + 5);
		dispatchUntil(*loop, [&] { return fired > 0; });
	}
	EXPECT_EQ(openFds(), before);
}
