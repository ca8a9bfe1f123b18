/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "src/status_line.h"

namespace primecam {
namespace {

TEST(StatusLine, OneSinkLine)
{
	PipelineStats stats;
	stats.startNs = 1'000'000'000;
	SinkStats &sink = stats.addSink("kms");
	StatusLine status(stats, -1);

	stats.captured = 50;
	sink.displayed = 48;
	sink.drop(DropReason::DisplayBehind);
	sink.drop(DropReason::DisplayBehind);
	for (int i = 1; i <= 100; ++i)
		sink.latency.add(int64_t{i} * 500'000); /* 0.5 .. 50 ms */
	EXPECT_EQ(
		status.update(3'000'000'000),
		"25.0 fps  captured 50  displayed 48  dropped 2  latency p50 25.0 ms p99 49.5 ms");

	/* fps is over the last interval, not the whole run. */
	stats.captured = 60;
	EXPECT_EQ(status.update(4'000'000'000).substr(0, 8), "10.0 fps");
	EXPECT_EQ(status.update(4'000'000'000).substr(0, 7), "0.0 fps");
}

TEST(StatusLine, RestartsAreShownOnceThereAreAny)
{
	PipelineStats stats;
	stats.startNs = 1;
	stats.captured = 10;
	stats.addSink("kms").displayed = 7;
	StatusLine status(stats, -1);
	EXPECT_EQ(status.update(2).find("restarts"), std::string::npos);
	stats.restarts["VIDIOC_DQBUF returned EIO"] = 1;
	stats.restarts["poll reported EPOLLERR"] = 1;
	EXPECT_NE(status.update(3).find("captured 10  restarts 2  displayed 7"), std::string::npos)
		<< status.update(4);
}

TEST(StatusLine, SeveralSinksArePerSink)
{
	PipelineStats stats;
	stats.startNs = 1;
	stats.addSink("kms").displayed = 7;
	stats.addSink("null").displayed = 9;
	StatusLine status(stats, -1);
	EXPECT_EQ(status.update(1'000'000'001),
		  "0.0 fps  captured 0  | sink 0: displayed 7  dropped 0  latency p50 0.0 ms p99 "
		  "0.0 ms  | sink 1: displayed 9  dropped 0  latency p50 0.0 ms p99 0.0 ms");
}

TEST(StatusLine, BeforeStreamingThereIsNoRate)
{
	PipelineStats stats;
	StatusLine status(stats, -1);
	EXPECT_EQ(status.update(5'000'000'000).substr(0, 7), "0.0 fps");
}

TEST(StatusLine, NotATerminalMeansNoTimerAndNoOutput)
{
	Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
	ASSERT_TRUE(loop);
	int fds[2];
	ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);

	PipelineStats stats;
	{
		StatusLine status(stats, fds[1]);
		ASSERT_TRUE(status.start(**loop));
		/* No timer: nothing is ready within 1.2 s. */
		EXPECT_EQ((*loop)->dispatch(1200), 0);
		status.stop();
	}
	char byte;
	EXPECT_EQ(read(fds[0], &byte, 1), -1) << "wrote to a pipe that is not a terminal";
	close(fds[0]);
	close(fds[1]);
}

TEST(StatusLine, OnATerminalRewritesTheLineEverySecond)
{
	/* A pseudo-terminal stands in for the user's terminal. */
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_GE(master, 0);
	ASSERT_EQ(grantpt(master), 0);
	ASSERT_EQ(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_GE(slave, 0);

	Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
	ASSERT_TRUE(loop);
	PipelineStats stats;
	stats.addSink("kms");
	{
		StatusLine status(stats, slave);
		ASSERT_TRUE(status.start(**loop));
		EXPECT_EQ((*loop)->dispatch(1500), 1); /* the timer */
		status.stop();
	}
	/* The pty hands writes to the master side through a kernel worker,
	 * write by write: on a busy machine one read() can return the status
	 * before stop()'s newline arrived. Read until it did (5 s at most). */
	std::string text;
	for (int i = 0; i < 50 && (text.empty() || text.back() != '\n'); ++i) {
		struct pollfd pfd = {master, POLLIN, 0};
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		char buf[512];
		ssize_t n = read(master, buf, sizeof(buf));
		ASSERT_GT(n, 0);
		text.append(buf, static_cast<size_t>(n));
	}
	ASSERT_FALSE(text.empty()) << "nothing written to the terminal";
	EXPECT_EQ(text.rfind("\r0.0 fps  captured 0  displayed 0", 0), 0u) << text;
	EXPECT_NE(text.find("\x1b[K"), std::string::npos);
	/* stop() ends the line (the pty turns \n into \r\n). */
	EXPECT_EQ(text.back(), '\n');
	close(slave);
	close(master);
}

TEST(StatusLine, SeveralSourcesShowEachOnesRateAndDrops)
{
	PipelineStats front;
	front.startNs = 1'000'000'000;
	SinkStats &kms = front.addSink("kms");
	PipelineStats back;
	back.startNs = 1'000'000'000;
	SinkStats &plane = back.addSink("kms");
	SinkStats &null = back.addSink("null");
	StatusLine status({{"front", &front}, {"back", &back}}, -1);

	front.captured = 50;
	kms.drop(DropReason::DisplayBehind);
	back.captured = 20;
	plane.drop(DropReason::DisplayBehind);
	null.drop(DropReason::StageBehind);
	null.drop(DropReason::StageBehind);
	EXPECT_EQ(status.update(3'000'000'000),
		  "front 25.0 fps  dropped 1  | back 10.0 fps  dropped 3");

	/* Each source's rate is over the last interval, on its own count. */
	front.captured = 60;
	back.captured = 40;
	EXPECT_EQ(status.update(4'000'000'000),
		  "front 10.0 fps  dropped 1  | back 20.0 fps  dropped 3");
}

TEST(StatusLine, OneNamedSourceIsTheSingleSourceLine)
{
	PipelineStats stats;
	stats.startNs = 1;
	stats.captured = 10;
	stats.addSink("kms").displayed = 7;
	StatusLine named({{"front", &stats}}, -1);
	StatusLine plain(stats, -1);
	EXPECT_EQ(named.update(1'000'000'001), plain.update(1'000'000'001));
}

} /* namespace */
} /* namespace primecam */
