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
