/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <cstdint>
#include <utility>

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/fd_watch.h"

namespace primecam {
namespace {

struct Rig {
	std::unique_ptr<EventLoop> loop = std::move(EventLoop::create()).value();
	UniqueFd fd{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
	int calls = 0;

	void signal()
	{
		uint64_t one = 1;
		ASSERT_EQ(::write(fd.get(), &one, sizeof(one)), 8);
	}
	EventLoop::FdCallback counter()
	{
		return [this](uint32_t) {
			uint64_t value;
			(void)!::read(fd.get(), &value, sizeof(value));
			++calls;
		};
	}
};

TEST(FdWatch, WatchesUntilDestroyed)
{
	Rig rig;
	{
		FdWatch watch;
		ASSERT_EQ(watch.watch(*rig.loop, rig.fd.get(), EPOLLIN, rig.counter()), 0);
		EXPECT_TRUE(watch.isActive());
		rig.signal();
		EXPECT_EQ(rig.loop->dispatch(0), 1);
		EXPECT_EQ(rig.calls, 1);
	}
	/* The destructor removed it: the fd can be watched again, and its
	 * event no longer reaches the old callback. */
	rig.signal();
	EXPECT_EQ(rig.loop->dispatch(0), 0);
	EXPECT_EQ(rig.calls, 1);
	EXPECT_EQ(rig.loop->addFd(rig.fd.get(), EPOLLIN, [](uint32_t) {}), 0);
	rig.loop->removeFd(rig.fd.get());
}

TEST(FdWatch, MovesOwnership)
{
	Rig rig;
	FdWatch first;
	ASSERT_EQ(first.watch(*rig.loop, rig.fd.get(), EPOLLIN, rig.counter()), 0);
	FdWatch second = std::move(first);
	EXPECT_FALSE(first.isActive());
	EXPECT_TRUE(second.isActive());
	EXPECT_EQ(second.fd(), rig.fd.get());
	first.reset(); /* a moved-from watch removes nothing */
	rig.signal();
	EXPECT_EQ(rig.loop->dispatch(0), 1);
	EXPECT_EQ(rig.calls, 1);

	FdWatch third;
	third = std::move(second);
	second.reset();
	rig.signal();
	EXPECT_EQ(rig.loop->dispatch(0), 1);
	EXPECT_EQ(rig.calls, 2);
}

TEST(FdWatch, RefusalsAreTheLoopsAndLeaveItInactive)
{
	Rig rig;
	FdWatch watch;
	EXPECT_EQ(watch.modify(EPOLLIN), -ENOENT);
	ASSERT_EQ(watch.watch(*rig.loop, rig.fd.get(), EPOLLIN, rig.counter()), 0);
	FdWatch twice;
	EXPECT_EQ(twice.watch(*rig.loop, rig.fd.get(), EPOLLIN, rig.counter()), -EEXIST);
	EXPECT_FALSE(twice.isActive());
	EXPECT_EQ(watch.modify(EPOLLIN | EPOLLPRI), 0);
}

TEST(FdWatch, ResetFromItsOwnCallback)
{
	Rig rig;
	FdWatch watch;
	ASSERT_EQ(watch.watch(*rig.loop, rig.fd.get(), EPOLLIN,
			      [&](uint32_t) {
				      ++rig.calls;
				      watch.reset();
			      }),
		  0);
	rig.signal();
	EXPECT_EQ(rig.loop->dispatch(0), 1);
	EXPECT_FALSE(watch.isActive());
	EXPECT_EQ(rig.loop->dispatch(0), 0);
	EXPECT_EQ(rig.calls, 1);
}

} /* namespace */
} /* namespace primecam */
