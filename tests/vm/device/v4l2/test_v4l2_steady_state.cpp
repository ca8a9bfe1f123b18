/* SPDX-License-Identifier: MIT */
#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "../device_test.h"
#include "base/event_loop.h"
#include "v4l2/v4l2_source.h"
#include "v4l2/video_device.h"
#include "v4l2_test_helpers.h"

using namespace primecam;
using namespace primecam::test;

namespace {

using Api = CaptureConfig::Api;

/* Counts every VideoDevice ioctl by request while alive. */
class IoctlCounter
{
public:
	IoctlCounter()
	{
		VideoDevice::setIoctlObserver(
			[this](unsigned long request) { ++counts_[request]; });
	}
	~IoctlCounter() { VideoDevice::setIoctlObserver(nullptr); }

	int operator[](unsigned long request) const
	{
		auto it = counts_.find(request);
		return it == counts_.end() ? 0 : it->second;
	}
	void clear() { counts_.clear(); }

private:
	std::map<unsigned long, int> counts_;
};

} /* namespace */

/*
 * Everything is allocated, exported and prepared at configure time; per
 * frame there is one DQBUF and one QBUF, and no REQBUFS, EXPBUF,
 * PREPARE_BUF, format call or new mapping or fd.
 */
TEST(V4l2SteadyState, NothingAllocatedExportedOrMappedPerFrame)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	IoctlCounter counter;
	V4l2Source source(vividConfig(Api::SinglePlanar, "XRGB8888"));
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;
	const int buffers = static_cast<int>(source.buffers().size());
	EXPECT_EQ(counter[VIDIOC_REQBUFS], 1);
	EXPECT_EQ(counter[VIDIOC_EXPBUF], buffers) << "one export per buffer plane, once";
	EXPECT_EQ(counter[VIDIOC_PREPARE_BUF], buffers);

	counter.clear();
	constexpr uint64_t frames = 30;
	SourceRun run;
	/* From the first frame to the last: the steady state. */
	int fds = -1, maps = -1, fdsLast = -1, mapsLast = -1;
	runSource(**loop, source, frames, run, [&](uint64_t n) {
		if (n == 1) {
			fds = openFdCount();
			maps = mappingCount();
		} else if (n == frames) {
			fdsLast = openFdCount();
			mapsLast = mappingCount();
		}
	});
	ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "");
	EXPECT_EQ(fdsLast, fds) << "fds opened while streaming";
	EXPECT_EQ(mapsLast, maps) << "mappings made while streaming";

	for (unsigned long request :
	     {VIDIOC_REQBUFS, VIDIOC_EXPBUF, VIDIOC_PREPARE_BUF, VIDIOC_QUERYBUF, VIDIOC_S_FMT,
	      VIDIOC_G_FMT, VIDIOC_TRY_FMT, VIDIOC_S_PARM})
		EXPECT_EQ(counter[request], 0) << "ioctl 0x" << std::hex << request;
	/* Start queues every buffer; after that a QBUF per returned frame. */
	EXPECT_GE(counter[VIDIOC_DQBUF], static_cast<int>(frames));
	EXPECT_LE(counter[VIDIOC_QBUF], static_cast<int>(frames) + buffers);
	EXPECT_EQ(counter[VIDIOC_STREAMON], 1);

	source.stop();
	run.held.reset();
}

/*
 * A buffer a sink holds when streaming stops is not queued when the sink lets
 * go (the device is stopped; on a restart it might be on screen still), and
 * is queued again by the next start().
 */
TEST(V4l2SteadyState, BufferHeldAcrossStopIsNotRequeuedUntilStart)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	V4l2Source source(vividConfig(Api::SinglePlanar, "XRGB8888"));
	Result<void> ret = source.configure();
	ASSERT_TRUE(ret.ok()) << ret.error().message;

	SourceRun first;
	runSource(**loop, source, 5, first);
	ASSERT_EQ(first.code, 0) << (first.error ? first.error->message : "");
	ASSERT_TRUE(first.held);
	const uint32_t heldIndex = first.held.buffer().index;

	IoctlCounter counter;
	source.stop();
	EXPECT_EQ(counter[VIDIOC_STREAMOFF], 1);
	first.held.reset();
	EXPECT_EQ(counter[VIDIOC_QBUF], 0) << "a buffer was queued to a stopped device";

	counter.clear();
	SourceRun second;
	std::vector<uint32_t> indices;
	runSource(**loop, source, 10, second,
		  [&](uint64_t) { indices.push_back(second.held.buffer().index); });
	ASSERT_EQ(second.code, 0) << (second.error ? second.error->message : "");
	/* start() queued every buffer, the one held across stop() included. */
	EXPECT_GE(counter[VIDIOC_QBUF], static_cast<int>(source.buffers().size()));
	EXPECT_NE(std::find(indices.begin(), indices.end(), heldIndex), indices.end())
		<< "buffer " << heldIndex << " never came back after start()";
	source.stop();
	second.held.reset();
}

/* configure/start/stop cycles leave no fd or mapping behind, whether the
 * source is reused or created anew each time. */
TEST(V4l2SteadyState, FdsStableOverConfigureStartStopCycles)
{
	PRIMECAM_NEED_DEVICE(!vividNode(Api::SinglePlanar).empty(), "vivid single-planar capture");

	auto loop = EventLoop::create();
	ASSERT_TRUE(loop.ok());
	const int fds = openFdCount();
	const int maps = mappingCount();

	for (int cycle = 0; cycle < 5; ++cycle) {
		SCOPED_TRACE("new source, cycle " + std::to_string(cycle));
		V4l2Source source(vividConfig(Api::SinglePlanar, "XRGB8888"));
		Result<void> ret = source.configure();
		ASSERT_TRUE(ret.ok()) << ret.error().message;
		SourceRun run;
		runSource(**loop, source, 3, run);
		ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "");
		run.held.reset();
		source.stop();
	}
	EXPECT_EQ(openFdCount(), fds);
	EXPECT_EQ(mappingCount(), maps);

	{
		V4l2Source source(vividConfig(Api::SinglePlanar, "XRGB8888"));
		int configured = -1;
		for (int cycle = 0; cycle < 5; ++cycle) {
			SCOPED_TRACE("same source, cycle " + std::to_string(cycle));
			Result<void> ret = source.configure();
			ASSERT_TRUE(ret.ok()) << ret.error().message;
			if (cycle == 0)
				configured = openFdCount();
			EXPECT_EQ(openFdCount(), configured);
			SourceRun run;
			runSource(**loop, source, 3, run);
			ASSERT_EQ(run.code, 0) << (run.error ? run.error->message : "");
			run.held.reset();
			source.stop();
		}
	}
	EXPECT_EQ(openFdCount(), fds);
	EXPECT_EQ(mappingCount(), maps);
}
