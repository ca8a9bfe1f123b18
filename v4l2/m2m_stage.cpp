/* SPDX-License-Identifier: MIT */
#include "v4l2/m2m_stage.h"

#include <algorithm>
#include <cerrno>

#include <sys/epoll.h>

#include "base/event_loop.h"
#include "base/pixel_format.h"
#include "pipeline/stats.h"
#include "v4l2/frame_buffers.h"

namespace primecam {

namespace {

/* "RGB3 320x180" */
std::string formatText(uint32_t fourcc, uint32_t width, uint32_t height)
{
	return fourccToString(fourcc) + " " + sizeText(width, height);
}

} /* namespace */

M2mStage::M2mStage(M2mConfig config) : config_(std::move(config))
{}

M2mStage::~M2mStage()
{
	stop();
	release();
}

std::string M2mStage::describe() const
{
	std::string format = config_.format ? std::string(config_.format->name) : "(no format)";
	if (!node_ || !layout_.format) {
		std::string size = config_.width ? " " + sizeText(config_.width, config_.height)
						 : std::string();
		return "m2m " + config_.device + " -> " + format + size;
	}
	return "m2m " + node_->device.describe() + " " + inputText_ + " -> " +
	       std::string(layout_.format->name) + " " + sizeText(layout_.width, layout_.height) +
	       ", " + (node_->isMultiplanar() ? "multi-planar" : "single-planar") + ", " +
	       std::to_string(captureMemory_.size()) + " MMAP buffers exported with VIDIOC_EXPBUF";
}

Result<void> M2mStage::configure(std::span<const FrameBuffer> input)
{
	if (state_ == State::Streaming)
		return Error::fromErrno(EBUSY, describe() + ": configure() while streaming");
	if (slots_.heldCount() != 0)
		return Error::fromErrno(EBUSY, describe() + ": configure() while " +
						       std::to_string(slots_.heldCount()) +
						       " buffer(s) are still held downstream");
	release();
	state_ = State::Idle;
	const std::string what = "m2m stage " + config_.device;
	if (input.empty() || !input.front().format)
		return Error::fromErrno(EINVAL, what + ": no input buffers to read");
	if (!config_.format)
		return Error::fromErrno(EINVAL, what + ": no pixel format given");
	if (config_.buffers == 0)
		return Error::fromErrno(EINVAL, what + ": buffers = 0, at least 1 is needed");

	Result<M2mNode> node = openM2mNode(config_.device);
	if (!node)
		return std::move(node).error();
	node_ = std::move(*node);
	for (const auto &[name, value] : config_.controls) {
		Result<void> ok = node_->device.setControl(name, value);
		if (!ok)
			return ok;
	}

	const FrameBuffer &in = input.front();
	const uint32_t width = config_.width ? config_.width : in.width;
	const uint32_t height = config_.height ? config_.height : in.height;
	Result<void> ok = setOutputFormat(in);
	if (ok)
		ok = setCaptureFormat(width, height);
	if (ok)
		ok = importInputs(input);
	if (ok)
		ok = allocateCapture();
	if (!ok) {
		release();
		return ok;
	}
	return {};
}

/*
 * The OUTPUT format is the upstream frames', and it must describe their
 * memory exactly: the device reads lines of its own bytesperline from
 * offset 0, and vb2 refuses (EINVAL at QBUF) a dma-buf smaller than its
 * sizeimage.
 */
Result<void> M2mStage::setOutputFormat(const FrameBuffer &in)
{
	const std::string device = node_->device.describe();
	/* One buffer per colour plane upstream: the 'M' fourcc, which needs
	 * the multi-planar API. */
	const bool separate = in.numMemoryPlanes > 1;
	const uint32_t fourcc = separate ? in.format->v4l2Mplane : in.format->v4l2;
	const std::string asked = formatText(fourcc, in.width, in.height);
	if (!fourcc || (separate && !node_->isMultiplanar()))
		return Error::fromErrno(EINVAL, "m2m " + device + " cannot read " +
							std::string(in.format->name) +
							" frames from upstream (no V4L2 " +
							(separate ? "multi-planar " : "") +
							"fourcc for it on this node)");
	Result<M2mQueueOffer> offer = node_->offer(node_->outputType);
	if (!offer)
		return std::move(offer).error();
	if (auto why = offer->refusal(device, fourcc, in.width, in.height, kAskedByUpstream))
		return Error::fromErrno(EINVAL, *why);

	Result<v4l2_format> fmt =
		node_->device.setFormat(node_->outputType, fourcc, in.width, in.height);
	if (!fmt)
		return std::move(fmt).error();
	const KernelFormat got = kernelFormatFrom(*fmt);
	if (got.fourcc != fourcc || got.width != in.width || got.height != in.height)
		return Error::fromErrno(EINVAL,
					"m2m " + device + " replaced " + asked +
						" on its OUTPUT queue with " +
						formatText(got.fourcc, got.width, got.height));
	Result<FrameLayout> layout = layoutFromKernel(got);
	if (!layout)
		return Error::fromErrno(layout.error().code,
					device + " OUTPUT queue: " + layout.error().message);
	for (uint32_t c = 0; c < in.numPlanes; ++c) {
		const ColourPlane &cp = layout->planes[c];
		if (cp.stride != in.planes[c].stride)
			return Error::fromErrno(
				EINVAL, "m2m " + device + " reads " + asked + " plane " +
						std::to_string(c) + " with " +
						std::to_string(cp.stride) +
						"-byte lines; the frames from upstream have " +
						std::to_string(in.planes[c].stride));
		if (in.planes[c].offset != cp.offset)
			return Error::fromErrno(EINVAL,
						"m2m " + device + " reads " + asked + " plane " +
							std::to_string(c) + " at offset " +
							std::to_string(cp.offset) +
							"; the frames from upstream have it at " +
							std::to_string(in.planes[c].offset));
	}
	inputLayout_ = *layout;
	inputText_ = asked;
	return {};
}

Result<void> M2mStage::setCaptureFormat(uint32_t width, uint32_t height)
{
	const std::string device = node_->device.describe();
	const PixelFormatInfo &info = *config_.format;
	const uint32_t fourcc = info.v4l2 ? info.v4l2 : info.v4l2Mplane;
	if (!fourcc || (!info.v4l2 && !node_->isMultiplanar()))
		return Error::fromErrno(EINVAL, "m2m " + device + " cannot write " +
							std::string(info.name) +
							": no V4L2 fourcc for it on this node");
	Result<M2mQueueOffer> offer = node_->offer(node_->captureType);
	if (!offer)
		return std::move(offer).error();
	if (auto why = offer->refusal(device, fourcc, width, height, kAskedByConfig))
		return Error::fromErrno(EINVAL, *why);

	Result<v4l2_format> fmt =
		node_->device.setFormat(node_->captureType, fourcc, width, height);
	if (!fmt)
		return std::move(fmt).error();
	/* S_FMT substitutes what it can do: a different format or size would
	 * be a working pipeline with the wrong picture. */
	const KernelFormat got = kernelFormatFrom(*fmt);
	if (got.fourcc != fourcc || got.width != width || got.height != height)
		return Error::fromErrno(
			EINVAL, "m2m " + device + " replaced " + formatText(fourcc, width, height) +
					" on its CAPTURE queue with " +
					formatText(got.fourcc, got.width, got.height));
	/* The kernel's own strides and plane sizes, never width * bpp. */
	Result<FrameLayout> layout = layoutFromKernel(got);
	if (!layout)
		return Error::fromErrno(layout.error().code,
					device + " CAPTURE queue: " + layout.error().message);
	layout_ = *layout;
	return {};
}

/* One OUTPUT buffer per upstream buffer, its dma-bufs imported once here
 * (PREPARE_BUF): every later QBUF of that buffer gives vb2 the same dma-bufs,
 * which it keeps attached instead of importing again. */
Result<void> M2mStage::importInputs(std::span<const FrameBuffer> input)
{
	imports_.assign(input);
	Result<uint32_t> count = output_.request(node_->device, node_->outputType, imports_.size(),
						 V4L2_MEMORY_DMABUF);
	if (!count)
		return std::move(count).error();
	if (*count < imports_.size())
		return Error::fromErrno(
			ENOMEM, node_->device.describe() + " granted " + std::to_string(*count) +
					" OUTPUT buffers for the " +
					std::to_string(imports_.size()) + " buffers upstream");
	outputArgs_.assign(*count, DmabufPlanes{});
	reading_.resize(*count);
	jobs_.assign(*count, Job{});
	for (const FrameBuffer &in : input) {
		uint32_t slot = *imports_.find(in);
		DmabufPlanes &args = outputArgs_[slot];
		if (args.numPlanes)
			continue; /* the same buffer listed twice upstream */
		args.numPlanes = inputLayout_.numMemoryPlanes;
		for (uint32_t p = 0; p < args.numPlanes; ++p) {
			const DmaBuf *mem = in.memory[p];
			if (!mem || mem->size() < inputLayout_.memoryPlaneSizes[p])
				return Error::fromErrno(
					EINVAL,
					"m2m " + node_->device.describe() + " reads " + inputText_ +
						" as " +
						std::to_string(inputLayout_.memoryPlaneSizes[p]) +
						"-byte buffers; upstream buffer " +
						std::to_string(in.index) + " holds " +
						std::to_string(mem ? mem->size() : 0));
			args.fds[p] = mem->fd();
			args.lengths[p] = static_cast<uint32_t>(mem->size());
			args.bytesused[p] = inputLayout_.memoryPlaneSizes[p];
		}
		BufferState state;
		int ret = output_.prepare(slot, args, state);
		if (ret < 0 && ret != -ENOTTY)
			return Error::fromErrno(-ret, "VIDIOC_PREPARE_BUF of OUTPUT buffer " +
							      std::to_string(slot) +
							      " (upstream buffer " +
							      std::to_string(in.index) + ") on " +
							      node_->device.describe());
	}
	return {};
}

Result<void> M2mStage::allocateCapture()
{
	Result<uint32_t> count = capture_.request(node_->device, node_->captureType,
						  config_.buffers, V4L2_MEMORY_MMAP);
	if (!count)
		return std::move(count).error();
	/* Sized once: the FrameBuffers point into it from now on. */
	captureMemory_.resize(*count);
	std::vector<FrameBuffer> frames;
	frames.reserve(*count);
	for (uint32_t i = 0; i < *count; ++i) {
		CaptureMemory &mem = captureMemory_[i];
		for (uint32_t p = 0; p < layout_.numMemoryPlanes; ++p) {
			Result<DmaBuf> buf = capture_.exportPlane(i, p);
			if (!buf)
				return std::move(buf).error();
			mem.planes[p] = std::move(*buf);
		}
		/* The driver's data_offset of each plane, before any frame. */
		BufferState state;
		int ret = capture_.prepare(i, DmabufPlanes{}, state);
		if (ret < 0 && ret != -ENOTTY)
			return Error::fromErrno(-ret, "VIDIOC_PREPARE_BUF of CAPTURE buffer " +
							      std::to_string(i) + " on " +
							      node_->device.describe());
		if (ret == 0)
			for (uint32_t p = 0; p < layout_.numMemoryPlanes; ++p)
				mem.dataOffset[p] = state.dataOffset[p];
		Result<FrameBuffer> fb = v4l2FrameBuffer(layout_, i, mem.planes, mem.dataOffset,
							 node_->device.describe());
		if (!fb)
			return std::move(fb).error();
		frames.push_back(*fb);
	}
	slots_.assign(std::move(frames), [this](uint32_t index) { onCaptureReturned(index); });
	return {};
}

void M2mStage::release()
{
	slots_.clear();
	capture_.release();
	output_.release();
	captureMemory_.clear();
	outputArgs_.clear();
	reading_.clear();
	jobs_.clear();
	imports_.clear();
	node_.reset();
	layout_ = {};
	inputLayout_ = {};
}

Result<void> M2mStage::start(EventLoop &loop, PipelineStats &stats, size_t firstStage,
			     DeliverFn deliver, ErrorFn onError)
{
	if (!node_ || slots_.size() == 0)
		return Error::fromErrno(EINVAL, describe() + ": start() before configure()");
	if (state_ == State::Streaming)
		return Error::fromErrno(EBUSY, describe() + ": already streaming");
	if (firstStage >= stats.stages.size())
		return Error::fromErrno(EINVAL, describe() + ": no stats entry " +
							std::to_string(firstStage));
	loop_ = &loop;
	stats_ = &stats.stages[firstStage];
	deliver_ = std::move(deliver);
	onError_ = std::move(onError);
	jobHead_ = jobCount_ = 0;

	/* Buffers still held downstream from before a stop() are queued when
	 * they come back. */
	Result<void> ok;
	for (uint32_t i = 0; i < capture_.count() && ok; ++i) {
		if (slots_.isHeld(i) || capture_.isQueued(i))
			continue;
		int ret = queueCapture(i);
		if (ret < 0)
			ok = Error::fromErrno(-ret, "VIDIOC_QBUF of CAPTURE buffer " +
							    std::to_string(i) + " on " +
							    node_->device.describe());
	}
	for (BufferQueue *queue : {&output_, &capture_}) {
		if (!ok)
			break;
		int ret = queue->streamOn();
		if (ret < 0)
			ok = Error::fromErrno(-ret,
					      std::string("VIDIOC_STREAMON of the ") +
						      (queue == &output_ ? "OUTPUT" : "CAPTURE") +
						      " queue on " + node_->device.describe());
	}
	if (!ok) {
		/* The rollback is stop()'s: STREAMOFF gives every buffer back. */
		output_.streamOff();
		capture_.streamOff();
		return ok;
	}
	state_ = State::Streaming;
	updateWatch();
	return {};
}

void M2mStage::stop()
{
	if (state_ == State::Idle)
		return;
	state_ = State::Idle;
	watch_.reset();
	/* STREAMOFF gives back every buffer the device holds: the upstream
	 * frames it was reading can go, and its results are dropped. */
	output_.streamOff();
	capture_.streamOff();
	for (FrameRef &frame : reading_)
		frame.reset();
	waiting_.reset();
	jobHead_ = jobCount_ = 0;
}

void M2mStage::submit(FrameRef frame)
{
	if (state_ != State::Streaming)
		return;
	if (output_.queuedCount() < kInFlight) {
		queueInput(std::move(frame));
		return;
	}
	/* The device is behind: the newest frame is the one worth showing. */
	if (waiting_)
		++stats_->droppedBehind;
	waiting_ = std::move(frame);
}

void M2mStage::queueInput(FrameRef frame)
{
	std::optional<uint32_t> slot = imports_.find(frame.buffer());
	if (!slot) {
		fail(EPROTO, "a frame in buffer " + std::to_string(frame.buffer().index) +
				     " that was not upstream's at configure");
		return;
	}
	BufferState state;
	int ret = output_.queue(*slot, outputArgs_[*slot], state);
	if (ret < 0) {
		fail(-ret, "VIDIOC_QBUF of OUTPUT buffer " + std::to_string(*slot));
		return;
	}
	jobs_[(jobHead_ + jobCount_++) % jobs_.size()] = {frame.metadata(), monotonicNowNs()};
	/* Held until the device gives the buffer back: upstream must not
	 * refill what the device is reading. */
	reading_[*slot] = std::move(frame);
	const uint64_t depth = output_.queuedCount();
	++stats_->queued;
	stats_->queueDepthSum += depth;
	stats_->queueDepthMax = std::max(stats_->queueDepthMax, depth);
	updateWatch();
}

int M2mStage::queueCapture(uint32_t index)
{
	BufferState state;
	return capture_.queue(index, DmabufPlanes{}, state);
}

void M2mStage::onCaptureReturned(uint32_t index)
{
	/* After stop() or a failure the buffer waits for the next start(). */
	if (state_ != State::Streaming)
		return;
	int ret = queueCapture(index);
	if (ret < 0) {
		fail(-ret, "VIDIOC_QBUF of CAPTURE buffer " + std::to_string(index));
		return;
	}
	updateWatch();
}

/*
 * vb2's mem2mem poll reports EPOLLERR while neither queue holds a buffer
 * (v4l2_m2m_poll_for_data), which a level-triggered loop would report
 * forever: the node is watched only while the device has something.
 */
void M2mStage::updateWatch()
{
	const bool busy = output_.queuedCount() + capture_.queuedCount() > 0;
	if (busy == watch_.isActive())
		return;
	if (!busy) {
		watch_.reset();
		return;
	}
	int ret = watch_.watch(*loop_, node_->device.fd(), EPOLLIN | EPOLLOUT,
			       [this](uint32_t events) { onFdEvents(events); });
	if (ret < 0)
		fail(-ret, "watching the node on the event loop");
}

void M2mStage::onFdEvents(uint32_t events)
{
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		drainCapture();
	if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
		drainOutput();
	if ((events & (EPOLLERR | EPOLLHUP)) && state_ == State::Streaming &&
	    output_.queuedCount() + capture_.queuedCount() > 0)
		fail(EIO, "poll reported EPOLLERR");
}

void M2mStage::drainCapture()
{
	while (state_ == State::Streaming) {
		BufferState state;
		int ret = capture_.dequeue(state);
		if (ret == -EAGAIN)
			return;
		if (ret < 0) {
			fail(-ret, "VIDIOC_DQBUF of the CAPTURE queue");
			return;
		}
		if (jobCount_ == 0) {
			fail(EPROTO, "CAPTURE buffer " + std::to_string(state.index) +
					     " came back for no frame given");
			return;
		}
		Job job = jobs_[jobHead_];
		jobHead_ = (jobHead_ + 1) % jobs_.size();
		--jobCount_;
		if (state.flags & V4L2_BUF_FLAG_ERROR) {
			/* The device says the result is garbage: never shown. */
			++stats_->errors;
			onCaptureReturned(state.index);
			continue;
		}
		++stats_->processed;
		++stats_->deviceConversions;
		stats_->latency.add(monotonicNowNs() - job.queuedNs);
		deliver_(slots_.hold(state.index, job.metadata));
	}
}

void M2mStage::drainOutput()
{
	while (state_ == State::Streaming) {
		BufferState state;
		int ret = output_.dequeue(state);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			fail(-ret, "VIDIOC_DQBUF of the OUTPUT queue");
			return;
		}
		/* Read: the upstream buffer may take its next frame. */
		reading_[state.index].reset();
	}
	if (state_ == State::Streaming && waiting_ && output_.queuedCount() < kInFlight)
		queueInput(std::move(waiting_));
	updateWatch();
}

void M2mStage::fail(int code, const std::string &what)
{
	if (state_ != State::Streaming)
		return;
	state_ = State::Failed;
	/* Level-triggered: a dead fd would report EPOLLERR forever. */
	watch_.reset();
	if (onError_)
		onError_(Error::fromErrno(code,
					  "m2m stage " + node_->device.describe() + ": " + what));
}

} /* namespace primecam */
