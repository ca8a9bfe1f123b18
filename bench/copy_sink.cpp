/* SPDX-License-Identifier: MIT */
#include "bench/copy_sink.h"

#include <cstring>

#include <drm_fourcc.h>

#include "base/cpu_access.h"
#include "pipeline/stats.h"

namespace primecam {

CopySink::CopySink(std::unique_ptr<Sink> display, std::string card)
	: display_(std::move(display)), cardName_(std::move(card))
{}

CopySink::~CopySink()
{
	stop();
}

std::string CopySink::describe() const
{
	return "cpu copy into dumb buffers -> " + display_->describe();
}

Result<void> CopySink::configure(std::span<const FrameBuffer> buffers)
{
	if (buffers.empty())
		return Error{EINVAL, "copy sink: no buffers"};
	const FrameBuffer &first = buffers.front();
	if (first.numPlanes != 1 || first.format->drm != DRM_FORMAT_XRGB8888)
		return Error{EINVAL, "copy sink: the benchmark copies single-plane XRGB8888 only"};

	/* Map every source buffer once: the copy path pays for the copy, not
	 * for mmap per frame. */
	sourceMaps_.clear();
	for (const FrameBuffer &buf : buffers) {
		const DmaBuf *mem = buf.memory[0];
		Result<Mapping> map = Mapping::map(mem->fd(), mem->size(), Mapping::Read, 0,
						   "source buffer " + std::to_string(buf.index));
		if (!map)
			return std::move(map).error();
		sourceMaps_.push_back(std::move(*map));
	}

	Result<Card> card = Card::openByName(cardName_);
	if (!card)
		return std::move(card).error();
	card_.emplace(std::move(*card));

	/* As many targets as sources: the display holds up to three (pending,
	 * queued, active) while a copy goes on. */
	std::vector<FrameBuffer> frames;
	targets_.clear();
	targets_.reserve(buffers.size());
	for (size_t i = 0; i < buffers.size(); ++i) {
		Result<DumbBuffer> dumb = DumbBuffer::create(*card_, first.width, first.height, 32);
		if (!dumb)
			return std::move(dumb).error();
		Result<DmaBuf> dmabuf = dumb->exportDmaBuf();
		if (!dmabuf)
			return std::move(dmabuf).error();
		Result<Mapping> map = Mapping::map(dmabuf->fd(), dmabuf->size(), Mapping::ReadWrite,
						   0, "copy target");
		if (!map)
			return std::move(map).error();
		targets_.push_back({std::move(*dumb), std::move(*dmabuf), std::move(*map)});
	}
	for (size_t i = 0; i < targets_.size(); ++i) {
		const Target &t = targets_[i];
		FrameBuffer fb;
		fb.format = first.format;
		fb.width = first.width;
		fb.height = first.height;
		fb.numPlanes = 1;
		fb.planes[0] = {t.dmabuf.fd(), t.dmabuf.id(), 0, t.dumb.pitch(), 0};
		fb.numMemoryPlanes = 1;
		fb.memory[0] = &t.dmabuf;
		frames.push_back(fb);
	}
	free_.clear();
	for (uint32_t i = 0; i < frames.size(); ++i)
		free_.push_back(i);
	slots_.assign(std::move(frames), [this](uint32_t index) { free_.push_back(index); });
	return display_->configure(slots_.buffers());
}

Result<void> CopySink::start(EventLoop &loop, SinkStats &stats)
{
	/* The display counts received/displayed/latency into the same entry;
	 * this sink adds the copies and the frames it had no target for. */
	stats_ = &stats;
	return display_->start(loop, stats);
}

int CopySink::consume(FrameRef frame)
{
	if (free_.empty()) {
		/* every target is pending, queued or on screen */
		++stats_->received;
		stats_->drop(DropReason::DisplayBehind);
		return 0;
	}
	uint32_t index = free_.back();
	free_.pop_back();

	const FrameBuffer &src = frame.buffer();
	const Target &dst = targets_[index];
	{
		/* Both brackets, as any CPU touch of a shared buffer needs. */
		Result<CpuAccess> in = CpuAccess::begin(src.memory[0]->fd(), CpuAccess::Mode::Read);
		Result<CpuAccess> out = CpuAccess::begin(dst.dmabuf.fd(), CpuAccess::Mode::Write);
		if (!in || !out) {
			free_.push_back(index);
			return -(in ? out.error().code : in.error().code);
		}
		const uint8_t *from = sourceMaps_[src.index].data().data() + src.planes[0].offset;
		uint8_t *to = dst.map.data().data();
		size_t line = size_t{src.width} * 4;
		for (uint32_t y = 0; y < src.height; ++y)
			std::memcpy(to + size_t{y} * dst.dumb.pitch(),
				    from + size_t{y} * src.planes[0].stride, line);
	}
	++stats_->copies;

	FrameRef copy = slots_.hold(index, frame.metadata());
	frame.reset(); /* the capture buffer can go back at once */
	return display_->consume(std::move(copy));
}

void CopySink::stop()
{
	if (display_)
		display_->stop();
}

} /* namespace primecam */
