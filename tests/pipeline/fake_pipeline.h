/* SPDX-License-Identifier: MIT */
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/buffer_slots.h"
#include "pipeline/sink.h"
#include "pipeline/source.h"
#include "pipeline/stats.h"

namespace primecam::test {

/* A source whose frames the test emits by hand; it records what it gets back. */
class FakeSource : public Source
{
public:
	/* count buffers shaped like shape (format and size; no memory) */
	explicit FakeSource(size_t count, FrameBuffer shape = {}) : count_(count), shape_(shape) {}

	std::string describe() const override { return "fake"; }
	Result<void> configure() override
	{
		++configures;
		free_.clear();
		slots_.assign(std::vector<FrameBuffer>(count_, shape_), [this](uint32_t index) {
			returned.push_back(index);
			free_.push_back(index);
		});
		for (uint32_t i = 0; i < count_; ++i)
			free_.push_back(i);
		return {};
	}
	std::span<const FrameBuffer> buffers() const override { return slots_.buffers(); }
	Result<void> start(EventLoop &, PipelineStats &, FrameHandler onFrame,
			   ErrorHandler onError) override
	{
		onFrame_ = std::move(onFrame);
		onError_ = std::move(onError);
		started = true;
		return {};
	}
	void stop() override
	{
		started = false;
		stoppedWithHeld = slots_.heldCount();
	}

	/* Like a DQBUF: the next free buffer carries frame `sequence`. */
	bool emit(uint64_t sequence)
	{
		if (free_.empty())
			return false;
		uint32_t index = free_.front();
		free_.pop_front();
		onFrame_(slots_.hold(index, {sequence, monotonicNowNs()}));
		return true;
	}
	void fail(int code) { onError_(Error::fromErrno(code, "fake device lost")); }
	/* Like V4L2_EVENT_SOURCE_CHANGE: the stream is over, configure again. */
	void change() { onError_(Error{kSourceChanged, "fake input changed"}); }
	bool isHeld(uint32_t index) const { return slots_.isHeld(index); }

	std::vector<uint32_t> returned;
	bool started = false;
	uint32_t stoppedWithHeld = 0;
	unsigned configures = 0;

private:
	size_t count_;
	FrameBuffer shape_;
	BufferSlots slots_;
	std::deque<uint32_t> free_;
	FrameHandler onFrame_;
	ErrorHandler onError_;
};

/* Keeps the last `depth` frames, like a display keeps queued + active. */
class HoldingSink : public Sink
{
public:
	HoldingSink(std::string name, size_t depth) : name_(std::move(name)), depth_(depth) {}

	std::string describe() const override { return name_; }
	Result<void> configure(std::span<const FrameBuffer> buffers) override
	{
		configuredWith = buffers.size();
		return {};
	}
	Result<void> start(EventLoop &, SinkStats &stats) override
	{
		if (startFailsWith)
			return Error::fromErrno(startFailsWith, name_ + " cannot start");
		stats_ = &stats;
		started = true;
		return {};
	}
	int consume(FrameRef frame) override
	{
		++stats_->received;
		if (failWith)
			return failWith;
		held.push_back(std::move(frame));
		if (held.size() > depth_)
			held.pop_front();
		return 0;
	}
	void stop() override
	{
		held.clear();
		started = false;
	}
	const std::optional<Error> &lastError() const override { return error; }

	std::deque<FrameRef> held;
	bool started = false;
	int startFailsWith = 0;
	std::optional<Error> error;
	size_t configuredWith = 0;
	int failWith = 0;

private:
	std::string name_;
	size_t depth_;
	SinkStats *stats_ = nullptr;
};

} /* namespace primecam::test */
