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
#include "tests/base/event_loop_helpers.h"

using namespace std::chrono_literals;
using primecam::EventLoop;
using primecam::UniqueFd;

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
