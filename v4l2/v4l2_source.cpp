/* SPDX-License-Identifier: MIT */
#include "v4l2/v4l2_source.h"

#include <cerrno>
#include <cstdio>

#include <poll.h>
#include <sys/epoll.h>

#include "base/event_loop.h"
#include "base/pixel_format.h"
#include "pipeline/stats.h"
#include "v4l2/capture_format.h"
#include "v4l2/capture_node.h"
#include "v4l2/frame_buffers.h"

namespace primecam {

V4l2Source::V4l2Source(CaptureConfig config, std::optional<BufferAllocator> allocator)
	: config_(std::move(config)), allocator_(std::move(allocator))
{}

V4l2Source::~V4l2Source()
{
	stop();
	release();
}

bool V4l2Source::namesNonContiguous(std::string_view name)
{
	for (const PixelFormatInfo &info : allFormats()) {
		if (info.v4l2Mplane && fourccToString(info.v4l2Mplane) == name)
			return true;
	}
	return false;
}

std::string V4l2Source::describe() const
{
	std::string format = config_.format ? std::string(config_.format->name) : "(no format)";
	if (!device_ || !layout_.format)
		return config_.device + " " + format + " " +
		       sizeText(config_.width, config_.height);

	std::string text = device_->driver() + " (" + device_->path() + ") " +
			   std::string(layout_.format->name) + " " +
			   sizeText(layout_.width, layout_.height) + " " +
			   (device_->isMultiplanar() ? "multi-planar" : "single-planar");
	if (layout_.numMemoryPlanes > 1)
		text += " (" + std::to_string(layout_.numMemoryPlanes) + " buffers per frame)";
	if (interval_.numerator) {
		char fps[32];
		std::snprintf(fps, sizeof(fps), "%.6g fps", interval_.fps());
		text += ", ";
		text += fps;
		/* S_PARM grants the driver's nearest rate: say when it is not
		 * the one asked for. */
		if (rateDiffers(interval_, config_.fps)) {
			char asked[48];
			std::snprintf(asked, sizeof(asked), " (%.6g asked)", config_.fps);
			text += asked;
		}
	}
	text += ", " + std::to_string(memory_.size());
	if (queue_.memory() == V4L2_MEMORY_DMABUF)
		text += " DMABUF buffers from " + (allocator_ ? allocator_->name : "?");
	else
		text += " MMAP buffers exported with VIDIOC_EXPBUF";
	if (frames_.usesDequeueTime())
		text += std::string("; ") + DequeuedFrames::kDequeueTimeNote;
	return text;
}

std::vector<std::string> V4l2Source::adjustments() const
{
	if (!device_)
		return {};
	std::string rate = rateAdjustment(device_->driver(), interval_, config_.fps, layout_.width,
					  layout_.height);
	if (rate.empty())
		return {};
	return {rate};
}

/* The same lookup configure() makes: the path, or the driver's first node
 * of the API, through sysfs. A node numbered anew after the driver came back
 * is found by its driver name. */
bool V4l2Source::deviceAvailable() const
{
	return openCaptureNode(config_.device, config_.api).ok();
}

Result<void> V4l2Source::configure()
{
	Result<void> ok = life_.checkConfigure(describe(), slots_.heldCount());
	if (!ok)
		return ok;
	release();
	eosEvent_ = false;
	frames_.reset();

	if (config_.memory == CaptureConfig::Memory::Dmabuf && !allocator_)
		return Error::fromErrno(EINVAL,
					"v4l2 source " + config_.device +
						": memory = dmabuf needs a buffer allocator "
						"(dumb buffers on a card, or a dma-heap)");
	if (!config_.format)
		return Error::fromErrno(EINVAL, "v4l2 source " + config_.device +
							": no pixel format given");
	if (config_.width == 0 || config_.height == 0)
		return Error::fromErrno(EINVAL, "v4l2 source " + config_.device +
							": no frame size given (width and height)");
	if (config_.buffers == 0)
		return Error::fromErrno(EINVAL, "v4l2 source " + config_.device +
							": buffers = 0, at least 1 is needed");

	ok = openDevice();
	if (!ok)
		return ok;
	ok = applyInput();
	if (!ok)
		return ok;
	/* Memory the driver is known to refuse: say why now, not with the
	 * EFAULT of the first QBUF. */
	if (config_.memory == CaptureConfig::Memory::Dmabuf && allocator_->kind) {
		if (auto why = poolRefusal(*allocator_->kind, PoolConsumer::V4l2Capture,
					   device_->driver()))
			return Error::fromErrno(ENOTSUP, device_->describe() + ": " + *why);
	}
	Result<uint32_t> fourcc = captureFourcc(*device_, *config_.format, nonContiguous_);
	if (!fourcc)
		return std::move(fourcc).error();
	Result<v4l2_format> fmt = applyFormat(*fourcc);
	if (!fmt)
		return std::move(fmt).error();
	Result<Fraction> interval =
		applyFrameRate(*device_, config_.fps, "v4l2 source " + device_->describe());
	if (!interval)
		return std::move(interval).error();
	interval_ = *interval;
	for (const auto &[name, value] : config_.controls) {
		ok = device_->setControl(name, value);
		if (!ok)
			return ok;
	}

	/* The format as it stands after the controls, which may change its
	 * colorimetry (vivid's "Y'CbCr Encoding" and "Quantization"). */
	if (!config_.controls.empty()) {
		fmt = device_->getFormat();
		if (!fmt)
			return std::move(fmt).error();
	}
	/* The kernel's own strides and plane sizes, never width * bpp. */
	Result<FrameLayout> layout = layoutFromKernel(kernelFormatFrom(*fmt));
	if (!layout)
		return Error::fromErrno(layout.error().code,
					device_->describe() + ": " + layout.error().message);
	layout_ = *layout;

	ok = subscribeEvents();
	if (ok)
		ok = allocate();
	if (!ok) {
		release();
		return ok;
	}
	life_.setConfigured(true);
	life_.setRestartPolicy(config_.restart);
	return {};
}

/*
 * Subscribed once, at configure: the subscription lives with the open file. A
 * driver that does not send an event refuses to subscribe it (EINVAL, or
 * ENOTTY without any event support), which only means it never comes.
 */
Result<void> V4l2Source::subscribeEvents()
{
	/* A source change event's id is the input it happened on: listen on
	 * the one being captured. */
	Result<uint32_t> input = device_->currentInput();
	if (!input)
		return std::move(input).error();
	for (uint32_t type : {V4L2_EVENT_SOURCE_CHANGE, V4L2_EVENT_EOS}) {
		int ret = device_->subscribeEvent(type,
						  type == V4L2_EVENT_SOURCE_CHANGE ? *input : 0);
		if (ret < 0 && ret != -EINVAL && ret != -ENOTTY)
			return Error::fromErrno(-ret,
						"VIDIOC_SUBSCRIBE_EVENT(" +
							std::string(type == V4L2_EVENT_EOS
									    ? "EOS"
									    : "SOURCE_CHANGE") +
							") on " + device_->describe());
	}
	return {};
}

/* The input (config's `input`), and the timings a source change found on it:
 * both before S_FMT, and with no buffers allocated (drivers refuse both with
 * EBUSY otherwise). */
Result<void> V4l2Source::applyInput()
{
	if (config_.input) {
		Result<void> ok = device_->setInput(*config_.input);
		if (!ok)
			return ok;
	}
	if (pendingTimings_) {
		Result<void> ok = device_->setDvTimings(*pendingTimings_);
		if (!ok)
			return ok;
		pendingTimings_.reset();
	}
	return {};
}

Result<void> V4l2Source::openDevice()
{
	Result<VideoDevice> dev = openCaptureNode(config_.device, config_.api);
	if (!dev)
		return std::move(dev).error();
	device_ = std::move(*dev);
	return {};
}

Result<v4l2_format> V4l2Source::applyFormat(uint32_t fourcc)
{
	/* S_FMT first: a device that takes the format and size as asked needs
	 * no list (vivid offers 84 formats, one ENUM_FMT each). The lists are
	 * read only to explain a refusal. */
	return checkCaptureFormat(*device_, config_, fourcc,
				  device_->setFormat(fourcc, config_.width, config_.height));
}

Result<void> V4l2Source::tryConfiguredFormat() const
{
	if (!device_ || config_.input || config_.memory == CaptureConfig::Memory::Libv4l2)
		return {};
	Result<uint32_t> fourcc = captureFourcc(*device_, *config_.format, nonContiguous_);
	if (!fourcc)
		return std::move(fourcc).error();
	Result<v4l2_format> fmt =
		checkCaptureFormat(*device_, config_, *fourcc,
				   device_->tryFormat(*fourcc, config_.width, config_.height));
	if (!fmt)
		return std::move(fmt).error();
	return {};
}

Result<void> V4l2Source::allocate()
{
	const bool dmabuf = config_.memory == CaptureConfig::Memory::Dmabuf;
	Result<uint32_t> count = queue_.request(*device_, device_->captureType(), config_.buffers,
						dmabuf ? V4L2_MEMORY_DMABUF : V4L2_MEMORY_MMAP);
	if (!count)
		return std::move(count).error();

	/* Sized once: FrameBuffer::memory points into it from now on. */
	memory_.resize(*count);
	for (uint32_t i = 0; i < *count; ++i) {
		BufferMemory &mem = memory_[i];
		mem.qbuf.numPlanes = layout_.numMemoryPlanes;
		for (uint32_t p = 0; p < layout_.numMemoryPlanes; ++p) {
			const uint32_t need = layout_.memoryPlaneSizes[p];
			Result<DmaBuf> buf =
				dmabuf ? allocator_->allocate(need) : queue_.exportPlane(i, p);
			if (!buf) {
				if (!dmabuf)
					return std::move(buf).error();
				return Error::fromErrno(buf.error().code,
							"allocating buffer " + std::to_string(i) +
								" plane " + std::to_string(p) +
								" for " + device_->describe() +
								" from " + allocator_->name + ": " +
								buf.error().message);
			}
			if (!buf->isDmaBuf())
				return Error::fromErrno(
					EINVAL, "buffer " + std::to_string(i) + " plane " +
							std::to_string(p) + " for " +
							device_->describe() + " is not a dma-buf");
			/* vb2 refuses an imported buffer smaller than sizeimage
			 * at QBUF; say so now, with the numbers. */
			if (buf->size() < need)
				return Error::fromErrno(
					ENOSPC, "buffer " + std::to_string(i) + " plane " +
							std::to_string(p) + " for " +
							device_->describe() + " holds " +
							std::to_string(buf->size()) + " bytes, " +
							std::to_string(need) + " needed");
			mem.qbuf.fds[p] = buf->fd();
			mem.qbuf.lengths[p] = static_cast<uint32_t>(buf->size());
			mem.planes[p] = std::move(*buf);
		}
		Result<void> ok = prepare(i);
		if (!ok)
			return ok;
	}
	return buildFrameBuffers();
}

/*
 * VIDIOC_PREPARE_BUF runs the driver's buf_prepare now rather than at the
 * first QBUF: the driver fills in each plane's data_offset (vivid puts a
 * 128-byte header before NV16M's luma plane), which the sinks need
 * in the plane offsets when they import the buffer, before any frame; and a
 * DMABUF queue imports and maps the dma-buf here, so a buffer the device
 * cannot use fails configure() instead of the first frame.
 */
Result<void> V4l2Source::prepare(uint32_t index)
{
	BufferMemory &mem = memory_[index];
	BufferState state;
	int ret = queue_.prepare(index, mem.qbuf, state);
	/* Without PREPARE_BUF the driver prepares at QBUF, and data_offset is
	 * checked at every DQBUF against the 0 assumed here. */
	if (ret == -ENOTTY)
		return {};
	if (ret < 0)
		return queueError(index, -ret, "VIDIOC_PREPARE_BUF");
	for (uint32_t p = 0; p < layout_.numMemoryPlanes; ++p)
		mem.dataOffset[p] = state.dataOffset[p];
	return {};
}

Error V4l2Source::queueError(uint32_t index, int code, std::string_view ioctlName) const
{
	std::string what = std::string(ioctlName) + " of buffer " + std::to_string(index) + " on " +
			   device_->describe();
	/*
	 * vb2 imports a dma-buf at PREPARE_BUF/QBUF and maps it for the
	 * driver; an exporter that cannot be mapped that way (udmabuf into
	 * vivid's vmalloc queue on 6.1: no vmap) comes back as EFAULT, a
	 * property of the pair of devices, not a bad pointer.
	 */
	if (queue_.memory() == V4L2_MEMORY_DMABUF && (code == EFAULT || code == EINVAL))
		return Error::fromErrno(
			code, device_->describe() + " cannot capture into dma-bufs from " +
				      (allocator_ ? allocator_->name : "the allocator") + " (" +
				      what + "); use another allocator or memory = mmap");
	return Error::fromErrno(code, what);
}

Result<void> V4l2Source::buildFrameBuffers()
{
	std::vector<FrameBuffer> frames;
	frames.reserve(memory_.size());
	for (uint32_t i = 0; i < memory_.size(); ++i) {
		Result<FrameBuffer> fb = v4l2FrameBuffer(
			layout_, i, memory_[i].planes, memory_[i].dataOffset, device_->describe());
		if (!fb)
			return std::move(fb).error();
		frames.push_back(*fb);
	}
	slots_.assign(std::move(frames), [this](uint32_t index) { onBufferReturned(index); });
	return {};
}

void V4l2Source::release()
{
	life_.setConfigured(false);
	slots_.clear();
	/* Exported MMAP dma-bufs still open keep their memory alive (vb2
	 * orphans it), so the order against closing ours does not matter. */
	queue_.release();
	memory_.clear();
	device_.reset();
	layout_ = {};
	interval_ = {};
}

Result<void> V4l2Source::start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
			       ErrorHandler onError)
{
	eosEvent_ = false;
	awaitingBuffer_ = false;
	return life_.start(
		describe(), loop, stats, std::move(onFrame), std::move(onError),
		[this] { return begin(); }, [this] { halt(); });
}

Result<void> V4l2Source::begin()
{
	Result<uint32_t> queued = queueFree();
	if (!queued)
		return std::move(queued).error();
	/* With nothing queued vb2 reports EPOLLERR ("waiting for buffers"),
	 * which is indistinguishable from a device error. */
	if (*queued == 0)
		return Error::fromErrno(EBUSY, describe() + ": all " +
						       std::to_string(memory_.size()) +
						       " buffers are still held by sinks");
	return streamOn();
}

/* Queues every buffer that is neither queued nor held; how many it queued. */
Result<uint32_t> V4l2Source::queueFree()
{
	/* Buffers a sink still holds (from before stop(), or on screen across
	 * a restart) are queued when they come back, not now. */
	uint32_t queued = 0;
	for (uint32_t i = 0; i < memory_.size(); ++i) {
		if (slots_.isHeld(i) || queue_.isQueued(i))
			continue;
		int ret = queue(i);
		if (ret < 0)
			return queueError(i, -ret, "VIDIOC_QBUF");
		++queued;
	}
	return queued;
}

Result<void> V4l2Source::streamOn()
{
	int ret = queue_.streamOn();
	if (ret < 0)
		return Error::fromErrno(-ret, "VIDIOC_STREAMON on " + device_->describe());
	/* A restart from the fd's own callback keeps its watch. */
	if (life_.isWatching())
		return {};
	/* EPOLLIN: a buffer is ready to DQBUF; EPOLLPRI: an event to DQEVENT. */
	return life_.watch(device_->describe(), device_->fd(), EPOLLIN | EPOLLPRI,
			   [this](uint32_t events) { onFdEvents(events); });
}

/*
 * After a recoverable error: STREAMOFF takes vb2's queue out of its error
 * state and hands back every queued buffer; buffers the sinks hold (the one
 * on screen) stay with them, keep their imports, and are queued when their
 * replacement's flip lets them go.
 */
Result<void> V4l2Source::restartStream()
{
	queue_.streamOff();
	eosEvent_ = false;
	Result<uint32_t> queued = queueFree();
	if (!queued)
		return std::move(queued).error();
	if (*queued == 0) {
		/* Every buffer is with a sink: STREAMON now would make vb2
		 * report EPOLLERR until a QBUF, so the stream comes back with
		 * the first buffer a sink returns. */
		life_.unwatch();
		awaitingBuffer_ = true;
		return {};
	}
	return streamOn();
}

/* stop(), and the rollback of a start() that failed half-way. */
void V4l2Source::halt()
{
	/* STREAMOFF hands every queued buffer back (vb2 cancels them); held
	 * buffers stay with their sinks and are not queued again when they
	 * return. */
	queue_.streamOff();
}

void V4l2Source::stop()
{
	life_.stop([this] { halt(); });
}

int V4l2Source::queue(uint32_t index)
{
	BufferState state;
	return queue_.queue(index, memory_[index].qbuf, state);
}

void V4l2Source::onBufferReturned(uint32_t index)
{
	/* After stop() (or a failure, or the end of the stream) the buffer
	 * waits for the next start(). */
	if (!life_.isDelivering())
		return;
	int ret = queue(index);
	if (ret == -ENODEV || ret == -EIO) {
		streamError(-ret, "VIDIOC_QBUF");
		return;
	}
	if (ret < 0) {
		life_.fail(queueError(index, -ret, "VIDIOC_QBUF"));
		return;
	}
	if (awaitingBuffer_) {
		awaitingBuffer_ = false;
		Result<void> ok = streamOn();
		if (!ok)
			life_.fail(std::move(ok).error());
	}
}

void V4l2Source::onFdEvents(uint32_t events)
{
	if ((events & EPOLLPRI) && !drainEvents())
		return;
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		drainBuffers(events & (EPOLLERR | EPOLLHUP));
}

bool V4l2Source::drainEvents()
{
	for (;;) {
		if (!life_.isDelivering())
			return false;
		v4l2_event event;
		int ret = device_->dequeueEvent(event);
		if (ret == -ENOENT)
			return true;
		if (ret < 0) {
			life_.lost(-ret, "VIDIOC_DQEVENT", device_->describe());
			return false;
		}
		if (event.type == V4L2_EVENT_SOURCE_CHANGE) {
			if (event.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION) {
				sourceChanged();
				return false;
			}
			continue;
		}
		if (event.type == V4L2_EVENT_EOS) {
			/* Frames still done in the queue are delivered first;
			 * the stream ends when the queue runs dry (or the
			 * driver flags its last buffer). */
			eosEvent_ = true;
		}
	}
}

/*
 * The input's resolution changed (an HDMI source switched modes): the
 * buffers, and every import of them, have the old size. The new size is
 * read now (the receiver's detected DV timings, else the format), and the
 * stream ends with Source::kSourceChanged; the pipeline stops, which frees
 * the buffers the timings cannot change under, and configure() sets the
 * timings and allocates at the new size.
 */
void V4l2Source::sourceChanged()
{
	Result<uint32_t> input = device_->currentInput();
	if (input && device_->inputHasDvTimings(*input)) {
		Result<v4l2_dv_timings> timings = device_->queryDvTimings();
		if (!timings) {
			/* No signal (ENOLINK), no lock (ENOLCK), out of range
			 * (ERANGE): no picture to follow. */
			life_.fail(Error::fromErrno(timings.error().code,
						    device_->describe() + ": input " +
							    std::to_string(*input) +
							    " changed and has no usable signal "
							    "(V4L2_EVENT_SOURCE_CHANGE, then "
							    "VIDIOC_QUERY_DV_TIMINGS)"));
			return;
		}
		pendingTimings_ = *timings;
		config_.width = timings->bt.width;
		config_.height = timings->bt.height;
	} else {
		Result<v4l2_format> fmt = device_->getFormat();
		if (!fmt) {
			life_.fail(std::move(fmt).error());
			return;
		}
		KernelFormat now = kernelFormatFrom(*fmt);
		config_.width = now.width;
		config_.height = now.height;
	}
	life_.changed(
		Error{Source::kSourceChanged, device_->describe() + ": the input changed to " +
						      sizeText(config_.width, config_.height) +
						      " (V4L2_EVENT_SOURCE_CHANGE)"});
}

namespace {

/* Whether poll() says POLLERR for fd now. The event loop's batch can be
 * stale: a restart made by an earlier event of the same batch (a sink
 * giving back a buffer, whose QBUF met the error) leaves the capture
 * node's EPOLLERR of that batch to be dispatched on a healthy queue. */
bool pollsErrorNow(int fd)
{
	pollfd p{fd, POLLIN, 0};
	return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

} /* namespace */

void V4l2Source::drainBuffers(bool pollError)
{
	bool any = false;
	for (;;) {
		if (!life_.isDelivering())
			return;
		BufferState state;
		int ret = queue_.dequeue(state);
		if (ret == -EAGAIN)
			break;
		/* EPIPE: the driver's last buffer was dequeued already. */
		if (ret == -EPIPE && eosEvent_) {
			life_.end();
			return;
		}
		if (ret == -EPROTO) {
			life_.fail(queue_.notGivenError(state.index));
			return;
		}
		if (ret < 0) {
			streamError(-ret, "VIDIOC_DQBUF");
			return;
		}
		any = true;
		if (!deliver(state))
			return;
	}

	/*
	 * EPOLLERR with nothing to dequeue and no errno from DQBUF: vb2 sets it
	 * when its queue is in the error state, which every later DQBUF reports
	 * as EIO; say that rather than spin on a level-triggered error.
	 */
	if (pollError && !any && life_.isDelivering() && pollsErrorNow(device_->fd()))
		streamError(EIO, "poll reported EPOLLERR");
}

/* One dequeued buffer: a frame, an error the driver flagged, or the last
 * one. False when streaming is over. */
bool V4l2Source::deliver(const BufferState &state)
{
	BufferMemory &mem = memory_[state.index];
	const bool last = state.flags & V4L2_BUF_FLAG_LAST;

	if (state.flags & V4L2_BUF_FLAG_ERROR) {
		/* The driver says the contents are garbage (a DMA error, a
		 * lost sync): never shown, back at once. */
		++life_.stats().captureErrors;
		if (!last) {
			onBufferReturned(state.index);
			return true;
		}
	} else if (!last || state.bytesused[0] != 0) {
		for (uint32_t p = 0; p < layout_.numMemoryPlanes; ++p) {
			if (state.dataOffset[p] == mem.dataOffset[p])
				continue;
			/* The sinks imported the buffer with the old offsets;
			 * showing it would shift the picture. */
			life_.fail(Error::fromErrno(
				EPROTO, device_->describe() + " moved plane " + std::to_string(p) +
						" of buffer " + std::to_string(state.index) +
						" to data_offset " +
						std::to_string(state.dataOffset[p]) +
						" after it was prepared with " +
						std::to_string(mem.dataOffset[p])));
			return false;
		}
		FrameMetadata meta =
			frames_.metadata(life_, state.sequence, state.flags, state.timestamp);
		life_.deliver(slots_.hold(state.index, meta));
	}
	if (last) {
		life_.end();
		return false;
	}
	return true;
}

void V4l2Source::streamError(int code, std::string_view what)
{
	life_.streamError(code, what, device_->describe(), [this] { return restartStream(); });
}

} /* namespace primecam */
