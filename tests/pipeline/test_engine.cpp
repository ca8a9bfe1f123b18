/* SPDX-License-Identifier: MIT */
#include <deque>
#include <vector>

#include <gtest/gtest.h>

#include "base/event_loop.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/engine.h"
#include "pipeline/stage_link.h"
#include "tests/pipeline/fake_pipeline.h"

using namespace primecam;
using primecam::test::FakeSource;
using primecam::test::HoldingSink;

namespace {

struct Rig {
	std::unique_ptr<EventLoop> loop = std::move(EventLoop::create()).value();
	FakeSource *source = nullptr;
	HoldingSink *shallow = nullptr;
	HoldingSink *deep = nullptr;
	std::unique_ptr<Engine> engine;

	explicit Rig(size_t buffers = 4)
	{
		auto src = std::make_unique<FakeSource>(buffers);
		source = src.get();
		std::vector<std::unique_ptr<Sink>> sinks;
		sinks.push_back(std::make_unique<HoldingSink>("shallow", 1));
		sinks.push_back(std::make_unique<HoldingSink>("deep", 2));
		shallow = static_cast<HoldingSink *>(sinks[0].get());
		deep = static_cast<HoldingSink *>(sinks[1].get());
		engine = std::make_unique<Engine>(*loop, std::move(src), std::move(sinks));
	}
};

} /* namespace */

TEST(Engine, SinksSeeTheSourceBuffersAtConfigure)
{
	Rig rig(5);
	ASSERT_TRUE(rig.engine->configure().ok());
	EXPECT_EQ(rig.shallow->configuredWith, 5u);
	EXPECT_EQ(rig.deep->configuredWith, 5u);
}

TEST(Engine, BufferReturnsOnlyWhenEverySinkReleasedIt)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());

	ASSERT_TRUE(rig.source->emit(0)); /* buffer 0 */
	ASSERT_TRUE(rig.source->emit(1)); /* buffer 1: shallow lets go of 0 */
	EXPECT_TRUE(rig.source->returned.empty()) << "deep still holds buffer 0";
	EXPECT_TRUE(rig.source->isHeld(0));
	ASSERT_TRUE(rig.source->emit(2)); /* deep lets go of 0 too */
	EXPECT_EQ(rig.source->returned, std::vector<uint32_t>{0});
	EXPECT_EQ(rig.engine->stats().captured, 3u);
	EXPECT_EQ(rig.engine->stats().sinks.size(), 2u);
	EXPECT_EQ(rig.engine->stats().sinks[0].received, 3u);
	EXPECT_EQ(rig.engine->stats().sinks[1].received, 3u);
}

TEST(Engine, NoBufferIsDeliveredWhileStillHeld)
{
	Rig rig(3);
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	/* deep holds 2 frames, so with 3 buffers the source always has one. */
	for (uint64_t seq = 0; seq < 50; ++seq)
		ASSERT_TRUE(rig.source->emit(seq)) << "starved at frame " << seq;
	EXPECT_EQ(rig.source->returned.size(), 48u);
}

TEST(Engine, SequenceGapsAreCounted)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	for (uint64_t seq : {10, 11, 12, 15, 16, 20})
		ASSERT_TRUE(rig.source->emit(seq));
	EXPECT_EQ(rig.engine->stats().sequenceGaps, 5u); /* 13, 14, 17, 18, 19 */
}

TEST(Engine, FrameLimitEndsTheLoop)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.engine->setFrameLimit(3);
	for (uint64_t seq = 0; seq < 10; ++seq)
		rig.loop->post([&rig, seq] { rig.source->emit(seq); });
	EXPECT_EQ(rig.loop->run(), 0);
	EXPECT_EQ(rig.engine->stats().captured, 3u) << "frames after the limit must not count";
	EXPECT_EQ(rig.shallow->held.size(), 1u);
}

TEST(Engine, RaisingTheLimitResumes)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.engine->setFrameLimit(2);
	for (uint64_t seq = 0; seq < 4; ++seq)
		rig.loop->post([&rig, seq] { rig.source->emit(seq); });
	EXPECT_EQ(rig.loop->run(), 0);
	EXPECT_EQ(rig.engine->stats().captured, 2u);

	rig.engine->setFrameLimit(5);
	for (uint64_t seq = 4; seq < 10; ++seq)
		rig.loop->post([&rig, seq] { rig.source->emit(seq); });
	EXPECT_EQ(rig.loop->run(), 0);
	EXPECT_EQ(rig.engine->stats().captured, 5u);
}

TEST(Engine, SinkErrorStopsWithTheErrorNamed)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.deep->failWith = -EIO;
	rig.loop->post([&rig] { rig.source->emit(0); });
	EXPECT_EQ(rig.loop->run(), 1);
	ASSERT_TRUE(rig.engine->error().has_value());
	EXPECT_EQ(rig.engine->error()->code, EIO);
	EXPECT_NE(rig.engine->error()->message.find("deep"), std::string::npos);
}

TEST(Engine, SinkErrorDetailIsKept)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.shallow->failWith = -EINVAL;
	rig.shallow->error = Error::fromErrno(EINVAL, "shallow: page flip commit of buffer 0");
	rig.loop->post([&rig] { rig.source->emit(0); });
	EXPECT_EQ(rig.loop->run(), 1);
	ASSERT_TRUE(rig.engine->error().has_value());
	EXPECT_NE(rig.engine->error()->message.find("page flip commit of buffer 0"),
		  std::string::npos)
		<< rig.engine->error()->message;
}

TEST(Engine, SourceErrorStopsTheLoop)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.loop->post([&rig] { rig.source->fail(ENODEV); });
	EXPECT_EQ(rig.loop->run(), 1);
	ASSERT_TRUE(rig.engine->error().has_value());
	EXPECT_EQ(rig.engine->error()->code, ENODEV);
}

TEST(Engine, ASourceChangeConfiguresEverythingAgainAndStreamsOn)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.loop->post([&rig] {
		rig.source->emit(0);
		rig.source->emit(1);
		rig.source->change();
		/* Runs after the engine's own posted renegotiation. */
		rig.loop->post([&rig] {
			EXPECT_TRUE(rig.source->started);
			EXPECT_TRUE(rig.shallow->started);
			EXPECT_TRUE(rig.source->emit(0)) << "no buffer free after the change";
			rig.loop->exit(0);
		});
	});
	EXPECT_EQ(rig.loop->run(), 0);
	EXPECT_FALSE(rig.engine->error().has_value()) << rig.engine->error()->message;
	EXPECT_EQ(rig.source->configures, 2u);
	/* The old buffers were all back before the source freed them. */
	EXPECT_EQ(rig.source->stoppedWithHeld, 0u);
	const PipelineStats &stats = rig.engine->stats();
	EXPECT_EQ(stats.sourceChanges, 1u);
	EXPECT_EQ(stats.captured, 3u);
	EXPECT_EQ(stats.sinks.size(), 2u) << "one stats entry per sink across the change";
	EXPECT_EQ(stats.sequenceGaps, 0u);
	rig.engine->stop();
}

TEST(Engine, StopReleasesSinksBeforeTheSource)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	ASSERT_TRUE(rig.source->emit(0));
	ASSERT_TRUE(rig.source->emit(1));
	rig.engine->stop();
	EXPECT_FALSE(rig.source->started);
	EXPECT_EQ(rig.source->stoppedWithHeld, 0u) << "sinks must let go before the source stops";
	EXPECT_GT(rig.engine->stats().endNs, 0);
}

TEST(Engine, ASinkThatCannotStartStopsTheOnesStartedBeforeIt)
{
	Rig rig;
	ASSERT_TRUE(rig.engine->configure().ok());
	rig.deep->startFailsWith = ENODEV;
	Result<void> ret = rig.engine->start();
	ASSERT_FALSE(ret);
	EXPECT_EQ(ret.error().code, ENODEV);
	/* The first sink had started: left so, it would keep its display (a
	 * KMS plane, DRM master) after the run failed. */
	EXPECT_FALSE(rig.shallow->started);
	EXPECT_FALSE(rig.source->started);
}

namespace {

/* A device stage on the loop (as the m2m stage is): it holds each frame it
 * is given until the test completes it, then hands it on. */
class FakeDeviceStage : public Stage, public StageLink
{
public:
	std::string describe() const override { return "device"; }
	Kind kind() const override { return Kind::Device; }
	Result<void> configure(std::span<const FrameBuffer> input) override
	{
		configuredWith = input.size();
		return {};
	}
	StageLink *link() override { return this; }
	Result<void> start(EventLoop &, PipelineStats &stats, size_t firstStage, DeliverFn deliver,
			   ErrorFn) override
	{
		stats_ = &stats.stages.at(firstStage);
		deliver_ = std::move(deliver);
		return {};
	}
	void submit(FrameRef frame) override { held.push_back(std::move(frame)); }
	void stop() override { held.clear(); }

	/* The device finished the oldest frame. */
	void complete()
	{
		FrameRef frame = std::move(held.front());
		held.erase(held.begin());
		++stats_->processed;
		deliver_(std::move(frame));
	}

	size_t configuredWith = 0;
	std::vector<FrameRef> held;

private:
	StageStats *stats_ = nullptr;
	DeliverFn deliver_;
};

} /* namespace */

TEST(Engine, DeviceStagesAreLinksOfTheirOwnAndChainInOrder)
{
	auto loop = std::move(EventLoop::create()).value();
	auto src = std::make_unique<FakeSource>(4);
	FakeSource *source = src.get();
	std::vector<std::unique_ptr<Stage>> stages;
	auto first = std::make_unique<FakeDeviceStage>();
	auto second = std::make_unique<FakeDeviceStage>();
	FakeDeviceStage *a = first.get(), *b = second.get();
	stages.push_back(std::move(first));
	stages.push_back(std::move(second));
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::make_unique<HoldingSink>("sink", 1));
	Engine engine(*loop, std::move(src), std::move(stages), std::move(sinks));
	ASSERT_TRUE(engine.configure().ok());
	EXPECT_EQ(a->configuredWith, 4u);
	EXPECT_EQ(b->configuredWith, 4u) << "a stage without its own buffers passes its input on";
	ASSERT_TRUE(engine.start().ok());
	ASSERT_EQ(engine.stats().stages.size(), 2u);

	ASSERT_TRUE(source->emit(0));
	ASSERT_EQ(a->held.size(), 1u) << "the first link got the frame";
	EXPECT_TRUE(b->held.empty());
	EXPECT_EQ(engine.stats().sinks[0].received, 0u);
	a->complete();
	ASSERT_EQ(b->held.size(), 1u) << "the first link's output went to the second";
	b->complete();
	EXPECT_EQ(engine.stats().sinks[0].received, 1u);
	EXPECT_EQ(engine.stats().stages[0].processed, 1u);
	EXPECT_EQ(engine.stats().stages[1].processed, 1u);
	EXPECT_TRUE(source->isHeld(0)) << "the sink still holds it";
	engine.stop();
	EXPECT_FALSE(source->started);
}

TEST(Engine, AnOwnerHearsOfTheFrameLimitInsteadOfTheLoopEnding)
{
	Rig rig;
	std::vector<int> told;
	rig.engine->setOnFinished([&told](int code) { told.push_back(code); });
	ASSERT_TRUE(rig.engine->configure().ok());
	ASSERT_TRUE(rig.engine->start().ok());
	rig.engine->setFrameLimit(2);
	for (uint64_t seq = 0; seq < 4; ++seq)
		rig.loop->post([&rig, seq] { rig.source->emit(seq); });
	rig.loop->post([&rig] { rig.loop->exit(7); });
	EXPECT_EQ(rig.loop->run(), 7) << "the engine must not end the loop itself";
	EXPECT_EQ(told, std::vector<int>{0});
	EXPECT_TRUE(rig.engine->finished());
	EXPECT_EQ(rig.engine->stats().captured, 2u);
}

TEST(Engine, OneEngineFailingLeavesTheOtherOnTheLoopStreaming)
{
	Rig rig;
	auto otherSource = std::make_unique<FakeSource>(4);
	FakeSource *other = otherSource.get();
	std::vector<std::unique_ptr<Sink>> sinks;
	sinks.push_back(std::make_unique<HoldingSink>("other", 1));
	Engine second(*rig.loop, std::move(otherSource), std::move(sinks));

	std::vector<int> told;
	rig.engine->setOnFinished([&told](int code) { told.push_back(code); });
	second.setOnFinished([&rig](int) { rig.loop->exit(0); });
	for (Engine *engine : {rig.engine.get(), &second}) {
		ASSERT_TRUE(engine->configure().ok());
		ASSERT_TRUE(engine->start().ok());
	}
	second.setFrameLimit(3);
	rig.loop->post([&rig] { rig.source->fail(ENODEV); });
	for (uint64_t seq = 0; seq < 5; ++seq)
		rig.loop->post([other, seq] { other->emit(seq); });
	EXPECT_EQ(rig.loop->run(), 0);
	EXPECT_EQ(told, std::vector<int>{1});
	ASSERT_TRUE(rig.engine->error().has_value());
	EXPECT_EQ(rig.engine->error()->code, ENODEV);
	EXPECT_FALSE(second.error().has_value());
	EXPECT_EQ(second.stats().captured, 3u) << "the other camera went on to its limit";
	second.stop();
	rig.engine->stop();
}
