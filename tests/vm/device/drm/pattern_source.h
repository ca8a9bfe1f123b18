/* SPDX-License-Identifier: MIT */
#pragma once
/* What the KMS sink tests share: a source of known patterns, and the loop
 * helpers that wait for flips. */

#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include "base/cpu_access.h"
#include "base/dma_heap.h"
#include "base/event_loop.h"
#include "base/mapping.h"
#include "base/pixel_format.h"
#include "base/udmabuf.h"
#include "drm/card.h"
#include "drm/dumb_buffer.h"
#include "drm/kms_sink.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/source.h"
#include "pipeline/stats.h"

namespace primecam::test {

using namespace std::chrono_literals;

/*
 * A source without V4L2: buffers allocated here (dumb buffers on the vkms
 * card, the system dma-heap, or udmabuf), each frame a known pattern written
 * through CpuAccess, so that what the display shows can be compared byte for
 * byte with what was put in the buffer.
 */
class PatternSource : public Source
{
public:
	enum class Memory {
		Dumb,
		DmaHeap,
		Udmabuf
	};

	PatternSource(const PixelFormatInfo *format, uint32_t width, uint32_t height,
		      uint32_t count, Memory memory)
		: format_(format), width_(width), height_(height), count_(count), memory_(memory)
	{}
	~PatternSource() override { stop(); }

	std::string describe() const override { return "pattern source"; }

	Result<void> configure() override
	{
		uint32_t bpp = format_->planes[0].bytesPerBlock * 8 / format_->planes[0].blockWidth;
		std::vector<FrameBuffer> frames;
		if (memory_ == Memory::Dumb) {
			auto card = Card::openByDriver("vkms");
			if (!card)
				return std::move(card).error();
			card_ = std::move(*card);
		}
		for (uint32_t i = 0; i < count_; ++i) {
			auto buffer = std::make_unique<Buffer>();
			if (memory_ == Memory::Dumb) {
				auto dumb = DumbBuffer::create(card_, width_, height_, bpp);
				if (!dumb)
					return std::move(dumb).error();
				auto dmabuf = dumb->exportDmaBuf();
				if (!dmabuf)
					return std::move(dmabuf).error();
				/* The dma-buf keeps the memory; the handle can go. */
				buffer->stride = dumb->pitch();
				buffer->dmabuf = std::move(*dmabuf);
			} else if (memory_ == Memory::DmaHeap) {
				auto heap = DmaHeap::open("system");
				if (!heap)
					return std::move(heap).error();
				buffer->stride = width_ * bpp / 8;
				auto dmabuf = heap->allocate(size_t{buffer->stride} * height_);
				if (!dmabuf)
					return std::move(dmabuf).error();
				buffer->dmabuf = std::move(*dmabuf);
			} else {
				buffer->stride = width_ * bpp / 8;
				auto u = Udmabuf::allocate(size_t{buffer->stride} * height_);
				if (!u)
					return std::move(u).error();
				auto dmabuf = u->buffer().dup();
				if (!dmabuf)
					return std::move(dmabuf).error();
				buffer->dmabuf = std::move(*dmabuf);
				buffer->udmabuf = std::move(*u);
			}
			auto map =
				Mapping::map(buffer->dmabuf.fd(), size_t{buffer->stride} * height_,
					     Mapping::ReadWrite);
			if (!map)
				return std::move(map).error();
			buffer->map = std::move(*map);

			FrameBuffer fb;
			fb.format = format_;
			fb.width = width_;
			fb.height = height_;
			fb.numPlanes = 1;
			fb.planes[0] = {buffer->dmabuf.fd(), buffer->dmabuf.id(), 0, buffer->stride,
					DRM_FORMAT_MOD_LINEAR};
			fb.numMemoryPlanes = 1;
			fb.memory[0] = &buffer->dmabuf;
			frames.push_back(fb);
			buffers_.push_back(std::move(buffer));
		}
		slots_.assign(std::move(frames), [](uint32_t) {});
		return {};
	}

	std::span<const FrameBuffer> buffers() const override { return slots_.buffers(); }

	Result<void> start(EventLoop &loop, PipelineStats &, FrameHandler onFrame,
			   ErrorHandler) override
	{
		loop_ = &loop;
		auto timer = loop.addTimer(1ms, 8ms, [this, onFrame] {
			FrameRef frame = produce();
			if (frame)
				onFrame(std::move(frame));
		});
		if (!timer)
			return std::move(timer).error();
		timer_ = *timer;
		return {};
	}

	void stop() override
	{
		if (loop_ && timer_)
			loop_->cancelTimer(timer_);
		timer_ = 0;
	}

	/* The next frame in a free buffer; empty when every buffer is held. */
	FrameRef produce()
	{
		for (uint32_t i = 0; i < slots_.size(); ++i) {
			if (slots_.isHeld(i))
				continue;
			fill(i, sequence_);
			return slots_.hold(i, {sequence_++, monotonicNowNs()});
		}
		return {};
	}

	/* A buffer's bytes as the CPU reads them (stride as allocated). */
	std::vector<uint8_t> read(const FrameBuffer &fb)
	{
		Buffer &buffer = *buffers_[fb.index];
		auto access = CpuAccess::begin(buffer.dmabuf.fd(), CpuAccess::Mode::Read);
		EXPECT_TRUE(access.ok()) << access.error().message;
		auto data = buffer.map.data();
		return {data.begin(), data.end()};
	}

	uint32_t stride(uint32_t index) const { return buffers_[index]->stride; }
	uint32_t held() const { return slots_.heldCount(); }

private:
	struct Buffer {
		DmaBuf dmabuf;
		Udmabuf udmabuf;
		Mapping map;
		uint32_t stride = 0;
	};

	void fill(uint32_t index, uint64_t seq)
	{
		Buffer &buffer = *buffers_[index];
		auto access = CpuAccess::begin(buffer.dmabuf.fd(), CpuAccess::Mode::Write);
		ASSERT_TRUE(access.ok()) << access.error().message;
		uint8_t *data = buffer.map.data().data();
		uint32_t lineBytes = format_->minLineBytes(0, width_);
		for (uint32_t y = 0; y < height_; ++y) {
			uint8_t *line = data + size_t{y} * buffer.stride;
			for (uint32_t x = 0; x < lineBytes; x += 4) {
				/* XRGB8888 in memory: B, G, R, X; X is junk that
				 * the display must ignore. */
				line[x + 0] = static_cast<uint8_t>(x / 4 + seq);
				line[x + 1] = static_cast<uint8_t>(y + 3 * seq);
				line[x + 2] = static_cast<uint8_t>(((x / 16) ^ (y / 2)) + 7 * seq);
				line[x + 3] = 0x5a;
			}
		}
	}

	const PixelFormatInfo *format_;
	uint32_t width_, height_, count_;
	Memory memory_;
	Card card_;
	std::vector<std::unique_ptr<Buffer>> buffers_;
	BufferSlots slots_;
	EventLoop *loop_ = nullptr;
	EventLoop::TimerId timer_ = 0;
	uint64_t sequence_ = 1;
};

inline const PixelFormatInfo *xrgb()
{
	return formatByDrm(DRM_FORMAT_XRGB8888);
}

inline bool haveVkms()
{
	return Card::openByDriver("vkms").ok();
}

inline bool runUntil(EventLoop &loop, const std::function<bool()> &done,
		     std::chrono::milliseconds timeout = 5000ms)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (!done()) {
		if (std::chrono::steady_clock::now() > deadline)
			return false;
		loop.dispatch(50);
	}
	return true;
}

/* Shows one more frame and waits for its flip. */
inline void showFrame(KmsSink &sink, PatternSource &source, EventLoop &loop, SinkStats &stats)
{
	uint64_t before = stats.displayed;
	FrameRef frame = source.produce();
	ASSERT_TRUE(frame) << "every buffer is held";
	ASSERT_EQ(sink.consume(std::move(frame)), 0)
		<< (sink.lastError() ? sink.lastError()->message : "");
	ASSERT_TRUE(runUntil(loop, [&] { return stats.displayed > before; }))
		<< "no page flip; " << (sink.lastError() ? sink.lastError()->message : "");
}

} /* namespace primecam::test */
