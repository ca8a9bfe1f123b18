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
