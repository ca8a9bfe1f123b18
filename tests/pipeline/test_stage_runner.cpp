/* SPDX-License-Identifier: MIT */
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include <gtest/gtest.h>

#include "base/event_loop.h"
#include "pipeline/buffer_pool.h"
#include "pipeline/engine.h"
#include "tests/pipeline/fake_pipeline.h"
#include "tests/pipeline/stage_test_util.h"

using namespace primecam;
using primecam::test::FakeSource;
using primecam::test::HoldingSink;

namespace {

/*
 * A stage whose work the test releases frame by frame: process() blocks on
 * the worker thread until the gate is opened, which makes "the stage is
 * behind" a state the test controls instead of a race.
 */
class GatedStage : public Stage
{
public:
	explicit GatedStage(Kind kind) : kind_(kind) {}
	~GatedStage() override { open(); }

	std::string describe() const override { return "gated"; }
	Kind kind() const override { return kind_; }
	Result<void> configure(std::span<const FrameBuffer> input) override
	{
		if (kind_ != Kind::Converting)
			return {};
		Result<std::unique_ptr<BufferPool>> pool =
			BufferPool::create(test::memfdAllocator(), *formatByName("XRGB8888"),
					   input.front().width, input.front().height, 2);
		if (!pool)
			return std::move(pool).error();
		pool_ = std::move(*pool);
		return {};
	}
	BufferPool *outputPool() override { return pool_.get(); }
	int process(const FrameBuffer &, const FrameMetadata &metadata, const FrameBuffer *out,
		    StageWork &work) override
	{
		std::unique_lock<std::mutex> lock(mutex_);
		entered_ = metadata.sequence;
		changed_.notify_all();
		changed_.wait(lock, [this] { return open_ || passes_ > 0; });
		if (passes_ > 0)
			--passes_;
		sawOutput = out != nullptr;
		work.syncStarts = work.syncEnds = out ? 2 : 1;
		return failWith;
	}

	/* Lets n more frames through. */
	void pass(unsigned n = 1)
	{
		std::lock_guard<std::mutex> lock(mutex_);
		passes_ += n;
		changed_.notify_all();
	}
	void open()
	{
		std::lock_guard<std::mutex> lock(mutex_);
		open_ = true;
		changed_.notify_all();
	}
	/* Waits until the worker is inside process() with frame `sequence`. */
	bool waitEntered(uint64_t sequence)
	{
		std::unique_lock<std::mutex> lock(mutex_);
		return changed_.wait_for(lock, std::chrono::seconds(5),
					 [&] { return entered_ == sequence; });
	}

	int failWith = 0;
	bool sawOutput = false;

private:
	Kind kind_;
	std::unique_ptr<BufferPool> pool_;
	std::mutex mutex_;
	std::condition_variable changed_;
	bool open_ = false;
	unsigned passes_ = 0;
	uint64_t entered_ = UINT64_MAX;
};

struct StageRig {
	std::unique_ptr<EventLoop> loop = std::move(EventLoop::create()).value();
	FakeSource *source = nullptr;
	GatedStage *stage = nullptr;
	HoldingSink *sink = nullptr;
	std::unique_ptr<Engine> engine;

	explicit StageRig(Stage::Kind kind, size_t sinkDepth = 1)
	{
		FrameBuffer shape;
		shape.format = formatByName("YUYV");
		shape.width = 16;
		shape.height = 4;
		auto src = std::make_unique<FakeSource>(4, shape);
		source = src.get();
		std::vector<std::unique_ptr<Stage>> stages;
		stages.push_back(std::make_unique<GatedStage>(kind));
		stage = static_cast<GatedStage *>(stages[0].get());
		std::vector<std::unique_ptr<Sink>> sinks;
		sinks.push_back(std::make_unique<HoldingSink>("sink", sinkDepth));
		sink = static_cast<HoldingSink *>(sinks[0].get());
		engine = std::make_unique<Engine>(*loop, std::move(src), std::move(stages),
						  std::move(sinks));
	}

	/* Runs the loop until pred holds (false after 5 s). */
	bool runUntil(const std::function<bool()> &pred)
	{
		for (int i = 0; i < 500 && !pred(); ++i)
			loop->dispatch(10);
		return pred();
	}
	const StageStats &stats() const { return engine->stats().stages.at(0); }
};

TEST(StageRunner, InPlaceStageHandsTheSameBufferOn)
{
	StageRig rig(Stage::Kind::InPlace);
	ASSERT_TRUE(rig.engine->configure());
	EXPECT_EQ(rig.sink->configuredWith, 4u); /* the source's buffers */
	ASSERT_TRUE(rig.engine->start());
	rig.stage->open();
	ASSERT_TRUE(rig.source->emit(1));
	ASSERT_TRUE(rig.runUntil([&] { return rig.sink->held.size() == 1; }));
	EXPECT_EQ(rig.sink->held.front().buffer().index, 0u);
	EXPECT_EQ(rig.sink->held.front().metadata().sequence, 1u);
	EXPECT_EQ(rig.stats().processed, 1u);
	EXPECT_EQ(rig.stats().syncStarts, 1u);
	EXPECT_EQ(rig.stats().syncEnds, 1u);
	EXPECT_EQ(rig.stats().conversions, 0u);
	EXPECT_EQ(rig.engine->stats().stages.size(), 1u);
}

TEST(StageRunner, ABusyStageDropsTheOlderWaitingFrameNotCapture)
{
	StageRig rig(Stage::Kind::InPlace);
	ASSERT_TRUE(rig.engine->configure());
	ASSERT_TRUE(rig.engine->start());

	ASSERT_TRUE(rig.source->emit(1));
	ASSERT_TRUE(rig.stage->waitEntered(1));
	ASSERT_TRUE(rig.source->emit(2)); /* waits */
	ASSERT_TRUE(rig.source->emit(3)); /* replaces 2 */
	/* Frame 2's buffer went straight back to capture. */
	EXPECT_EQ(rig.source->returned, (std::vector<uint32_t>{1}));
	EXPECT_EQ(rig.stats().droppedBehind, 1u);

	rig.stage->pass(2);
	ASSERT_TRUE(rig.runUntil([&] { return rig.stats().processed == 2; }));
	ASSERT_EQ(rig.sink->held.size(), 1u);
	EXPECT_EQ(rig.sink->held.front().metadata().sequence, 3u);
	EXPECT_EQ(rig.engine->stats().sinks.at(0).received, 2u); /* frames 1 and 3 */
	rig.stage->open();
}

TEST(StageRunner, ConvertingStageDeliversItsOwnBuffersAndReturnsTheInput)
{
	StageRig rig(Stage::Kind::Converting);
	ASSERT_TRUE(rig.engine->configure());
	EXPECT_EQ(rig.sink->configuredWith, 2u); /* the stage's pool */
	ASSERT_TRUE(rig.engine->start());
	rig.stage->open();

	ASSERT_TRUE(rig.source->emit(7));
	ASSERT_TRUE(rig.runUntil([&] { return rig.sink->held.size() == 1; }));
	const FrameRef &shown = rig.sink->held.front();
	EXPECT_EQ(shown.buffer().format->name, "XRGB8888");
	EXPECT_EQ(shown.metadata().sequence, 7u); /* metadata travels with the frame */
	EXPECT_TRUE(rig.stage->sawOutput);
	/* The capture buffer is back as soon as the conversion is done. */
	EXPECT_EQ(rig.source->returned, (std::vector<uint32_t>{0}));
	EXPECT_EQ(rig.stats().conversions, 1u);
	EXPECT_EQ(rig.stats().syncStarts, 2u);
}

TEST(StageRunner, NoFreeOutputBufferDropsTheFrame)
{
	/* The sink holds two frames, which is the whole pool. */
	StageRig rig(Stage::Kind::Converting, 2);
	ASSERT_TRUE(rig.engine->configure());
	ASSERT_TRUE(rig.engine->start());
	rig.stage->open();
	for (uint64_t seq = 1; seq <= 2; ++seq) {
		ASSERT_TRUE(rig.source->emit(seq));
		ASSERT_TRUE(rig.runUntil([&] { return rig.stats().processed == seq; }));
	}
	ASSERT_TRUE(rig.source->emit(3));
	EXPECT_EQ(rig.stats().droppedNoBuffer, 1u);
	EXPECT_EQ(rig.source->returned.size(), 3u); /* all three inputs are back */
}

TEST(StageRunner, StageErrorStopsThePipelineNamingTheStage)
{
	StageRig rig(Stage::Kind::InPlace);
	ASSERT_TRUE(rig.engine->configure());
	ASSERT_TRUE(rig.engine->start());
	rig.stage->failWith = -EIO;
	rig.stage->open();
	ASSERT_TRUE(rig.source->emit(1));
	ASSERT_TRUE(rig.runUntil([&] { return rig.engine->error().has_value(); }));
	EXPECT_EQ(rig.engine->error()->code, EIO);
	EXPECT_NE(rig.engine->error()->message.find("stage gated"), std::string::npos);
	EXPECT_EQ(rig.stats().errors, 1u);
	EXPECT_EQ(rig.engine->stats().sinks.at(0).received, 0u);
	EXPECT_EQ(rig.source->returned, (std::vector<uint32_t>{0}));
}

TEST(StageRunner, StopWaitsForTheWorkerAndReleasesEverything)
{
	StageRig rig(Stage::Kind::Converting);
	ASSERT_TRUE(rig.engine->configure());
	ASSERT_TRUE(rig.engine->start());
	ASSERT_TRUE(rig.source->emit(1));
	ASSERT_TRUE(rig.stage->waitEntered(1));
	ASSERT_TRUE(rig.source->emit(2));
	/* Let the worker finish only once stop() waits for it. */
	std::thread opener([&] {
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		rig.stage->open();
	});
	rig.engine->stop();
	opener.join();
	EXPECT_EQ(rig.source->stoppedWithHeld, 0u);
	EXPECT_EQ(rig.source->returned.size(), 2u);
}

} /* namespace */
