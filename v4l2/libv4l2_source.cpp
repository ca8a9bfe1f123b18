/* SPDX-License-Identifier: MIT */
#include "v4l2/libv4l2_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <libdrm/drm_fourcc.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>

#include "base/cpu_access.h"
#include "base/event_loop.h"
#include "base/pixel_format.h"
#include "pipeline/stats.h"
#include "v4l2/capture_node.h"

namespace primecam {

namespace {

std::string sizeText(uint32_t width, uint32_t height)
{
	return std::to_string(width) + "x" + std::to_string(height);
}

/* "BA81 (SBGGR8)", or just "BGR3" when the table has no other name. */
std::string fourccText(uint32_t fourcc)
{
	std::string code = fourccToString(fourcc);
	const PixelFormatInfo *info = formatByV4l2(fourcc);
	if (info && info->name != code)
		return code + " (" + std::string(info->name) + ")";
	return code;
}

} /* namespace */

Libv4l2Source::Libv4l2Source(CaptureConfig config, std::optional<BufferAllocator> allocator)
	: config_(std::move(config)), allocator_(std::move(allocator))
{}

Libv4l2Source::~Libv4l2Source()
{
	stop();
	release();
}

std::string Libv4l2Source::deviceName() const
{
	if (!fd_.isValid())
		return config_.device;
	return fd_.path() + (driver_.empty() ? "" : " (" + driver_ + ")");
}

std::vector<std::string> Libv4l2Source::adjustments() const
{
	std::string rate =
		rateAdjustment(driver_, interval_, config_.fps, layout_.width, layout_.height);
	if (rate.empty())
		return {};
	return {rate};
}

std::string Libv4l2Source::describe() const
{
	std::string format = config_.format ? std::string(config_.format->name) : "(no format)";
	if (!fd_.isValid() || !layout_.format)
		return config_.device + " through libv4l2: " + format + " " +
		       sizeText(config_.width, config_.height) + "; " + std::string(kCopyNote);

	std::string text = deviceName() + " through libv4l2: " + std::string(layout_.format->name) +
			   " " + sizeText(layout_.width, layout_.height);
	if (isConverting())
		text += " converted from " + fourccText(deviceFourcc_) + " by libv4lconvert";
	else
		text += " passed through unconverted";
	if (interval_.numerator) {
		char fps[32];
		std::snprintf(fps, sizeof(fps), ", %.6g fps", interval_.fps());
		text += fps;
	}
	text += ", " + std::to_string(mappings_.size()) + " MMAP buffers copied into " +
		std::to_string(pool_.size()) + " buffers from " +
		(allocator_ ? allocator_->name : "?");
	if (dequeueTimestamps_)
		text += "; the driver's timestamps are not CLOCK_MONOTONIC, frames carry their "
			"dequeue time";
	return text + "; " + std::string(kCopyNote);
}

std::vector<std::string> Libv4l2Source::notes() const
{
	return {std::string(kCopyNote)};
}

Result<void> Libv4l2Source::configure()
{
	const std::string what = "libv4l2 source " + config_.device;
	if (streaming_)
		return Error::fromErrno(EBUSY, describe() + ": configure() while streaming");
	if (slots_.heldCount() != 0)
		return Error::fromErrno(EBUSY, what + ": configure() while " +
						       std::to_string(slots_.heldCount()) +
						       " buffer(s) are still held by sinks");
	release();
	failed_ = false;
	dequeueTimestamps_ = false;

	if (!allocator_)
		return Error::fromErrno(EINVAL,
					what + ": memory = libv4l2 needs a buffer "
					       "allocator for its output (dumb buffers on a "
					       "card, or a dma-heap)");
	if (!config_.format)
		return Error::fromErrno(EINVAL, what + ": no pixel format given");
	if (!config_.format->v4l2)
		return Error::fromErrno(EINVAL, what + ": " + std::string(config_.format->name) +
							" has no single-buffer V4L2 fourcc, which "
							"libv4l2 needs");
	if (config_.width == 0 || config_.height == 0)
		return Error::fromErrno(EINVAL, what + ": no frame size given (width and height)");
	if (config_.buffers == 0)
		return Error::fromErrno(EINVAL, what + ": buffers = 0, at least 1 is needed");
	if (config_.api == CaptureConfig::Api::MultiPlanar)
		return Error::fromErrno(EINVAL, what + ": libv4l2 converts through the "
						       "single-planar API only, not api = "
						       "\"multi-planar\"");

	Result<void> ok = openDevice();
	if (ok)
		ok = applyFormat();
	if (ok)
		ok = applyFrameRate();
	if (ok)
		ok = mapDeviceBuffers();
	if (ok)
		ok = allocatePool();
	if (!ok) {
		release();
		return ok;
	}
	return {};
}

Result<void> Libv4l2Source::openDevice()
{
	/*
	 * The same lookup as the V4L2 source, single-planar: libv4l2 emulates
	 * formats on V4L2_BUF_TYPE_VIDEO_CAPTURE only, and a multi-planar-only
	 * node is refused here with the APIs it has rather than half-working.
	 */
	Result<VideoDevice> node =
		openCaptureNode(config_.device, CaptureConfig::Api::SinglePlanar);
	if (!node)
		return Error::fromErrno(node.error().code,
					node.error().message +
						" (libv4l2 emulates formats on single-planar "
						"capture nodes only)");

	/* Controls are the device's, shared by every open file: set them on
	 * the plain node, as the V4L2 source does, before it closes. */
	for (const auto &[name, value] : config_.controls) {
		Result<void> ok = node->setControl(name, value);
		if (!ok)
			return ok;
	}

	Result<Libv4l2Fd> fd = Libv4l2Fd::open(node->path());
	if (!fd)
		return std::move(fd).error();
	fd_ = std::move(*fd);
	driver_ = node->driver();
	return {};
}

Result<void> Libv4l2Source::applyFormat()
{
	emulatedFourcc_ = config_.format->v4l2;
	const std::string asked =
		fourccText(emulatedFourcc_) + " " + sizeText(config_.width, config_.height);

	v4l2_format fmt = {};
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt.fmt.pix.pixelformat = emulatedFourcc_;
	fmt.fmt.pix.width = config_.width;
	fmt.fmt.pix.height = config_.height;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	int ret = fd_.ioctl(VIDIOC_S_FMT, &fmt);
	if (ret < 0)
		return Error::fromErrno(-ret, "VIDIOC_S_FMT " + asked + " through libv4l2 on " +
						      deviceName());

	/* libv4l2 substitutes what it can do, as drivers do: a different
	 * format or size would be a working pipeline with the wrong picture. */
	if (fmt.fmt.pix.pixelformat != emulatedFourcc_)
		return Error::fromErrno(
			EINVAL, "libv4l2 cannot produce " + asked + " from " + deviceName() +
					" (it offered " + fourccText(fmt.fmt.pix.pixelformat) +
					"); libv4lconvert emulates RGB3, BGR3, YU12 "
					"and YV12 from the formats it knows");
	if (fmt.fmt.pix.width != config_.width || fmt.fmt.pix.height != config_.height)
		return Error::fromErrno(EINVAL,
					"libv4l2 replaced " + asked + " with " +
						sizeText(fmt.fmt.pix.width, fmt.fmt.pix.height) +
						" on " + deviceName());
	if (fmt.fmt.pix.field != V4L2_FIELD_NONE && fmt.fmt.pix.field != V4L2_FIELD_ANY)
		return Error::fromErrno(EINVAL, deviceName() + " delivers " + asked +
							" as interlaced fields; primecam shows "
							"progressive frames only");

	/* libv4l2's own bytesperline and sizeimage for the emulated format,
	 * never recomputed from the width. */
	Result<FrameLayout> layout = layoutFromKernel(kernelFormatFrom(fmt));
	if (!layout)
		return Error::fromErrno(layout.error().code, deviceName() + " through libv4l2: " +
								     layout.error().message);
	layout_ = *layout;

	/* A plain ioctl on the same fd bypasses libv4l2: the device's own
	 * format, what libv4lconvert converts from. */
	v4l2_format native = {};
	native.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (::ioctl(fd_.get(), VIDIOC_G_FMT, &native) < 0)
		return Error::fromErrno(errno, "VIDIOC_G_FMT on " + deviceName());
	deviceFourcc_ = native.fmt.pix.pixelformat;
	return {};
}

Result<void> Libv4l2Source::applyFrameRate()
{
	interval_ = {};
	v4l2_streamparm parm = {};
	parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (config_.fps > 0) {
		Fraction wanted = intervalForFps(config_.fps);
		if (!wanted.denominator)
			return Error::fromErrno(
				EINVAL, "libv4l2 source " + deviceName() + ": frame rate " +
						std::to_string(config_.fps) + " is out of range");
		parm.parm.capture.timeperframe.numerator = wanted.numerator;
		parm.parm.capture.timeperframe.denominator = wanted.denominator;
		/* Through libv4l2, which also tells libv4lconvert the rate. */
		int ret = fd_.ioctl(VIDIOC_S_PARM, &parm);
		if (ret < 0)
			return Error::fromErrno(-ret, "VIDIOC_S_PARM on " + deviceName());
		if (!(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME))
			return Error::fromErrno(ENOTSUP, deviceName() +
								 " cannot set a frame rate (no "
								 "V4L2_CAP_TIMEPERFRAME)");
	} else if (fd_.ioctl(VIDIOC_G_PARM, &parm) < 0 ||
		   !(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
		/* Left alone, and the driver has no rate to say. */
		return {};
	}
	interval_.numerator = parm.parm.capture.timeperframe.numerator;
	interval_.denominator = parm.parm.capture.timeperframe.denominator;
	return {};
}

Result<void> Libv4l2Source::mapDeviceBuffers()
{
	v4l2_requestbuffers req = {};
	req.count = config_.buffers;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	int ret = fd_.ioctl(VIDIOC_REQBUFS, &req);
	if (ret < 0)
		return Error::fromErrno(-ret, "VIDIOC_REQBUFS (" + std::to_string(config_.buffers) +
						      " MMAP) through libv4l2 on " + deviceName());
	requested_ = true;
	if (req.count == 0)
		return Error::fromErrno(ENOMEM, deviceName() + " granted no buffers for " +
							std::to_string(config_.buffers) + " asked");

	/* Sized once: nothing grows while streaming. */
	mappings_.reserve(req.count);
	queued_.assign(req.count, false);
	for (uint32_t i = 0; i < req.count; ++i) {
		v4l2_buffer buf = {};
		buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		buf.memory = V4L2_MEMORY_MMAP;
		buf.index = i;
		/* While converting, libv4l2 answers with an offset and length
		 * into its own conversion memory, which v4l2_mmap recognises. */
		ret = fd_.ioctl(VIDIOC_QUERYBUF, &buf);
		if (ret < 0)
			return Error::fromErrno(-ret,
						"VIDIOC_QUERYBUF of buffer " + std::to_string(i) +
							" through libv4l2 on " + deviceName());
		if (buf.length < layout_.memoryPlaneSizes[0])
			return Error::fromErrno(
				ENOSPC,
				"libv4l2 buffer " + std::to_string(i) + " on " + deviceName() +
					" holds " + std::to_string(buf.length) + " bytes, " +
					std::to_string(layout_.memoryPlaneSizes[0]) + " needed");
		Result<Libv4l2Mapping> map = Libv4l2Mapping::map(fd_.get(), buf.length,
								 static_cast<off_t>(buf.m.offset));
		if (!map)
			return Error::fromErrno(map.error().code, deviceName() + " buffer " +
									  std::to_string(i) + ": " +
									  map.error().message);
		mappings_.push_back(std::move(*map));
	}
	return {};
}

Result<void> Libv4l2Source::allocatePool()
{
	const uint32_t need = layout_.memoryPlaneSizes[0];
	pool_.resize(config_.buffers);
	std::vector<FrameBuffer> frames(config_.buffers);
	for (uint32_t i = 0; i < config_.buffers; ++i) {
		PoolBuffer &pb = pool_[i];
		Result<DmaBuf> buf = allocator_->allocate(need);
		if (!buf)
			return Error::fromErrno(buf.error().code,
						"allocating output buffer " + std::to_string(i) +
							" for " + deviceName() + " from " +
							allocator_->name + ": " +
							buf.error().message);
		if (!buf->isDmaBuf())
			return Error::fromErrno(EINVAL, "output buffer " + std::to_string(i) +
								" for " + deviceName() + " from " +
								allocator_->name +
								" is not a dma-buf");
		if (buf->size() < need)
			return Error::fromErrno(ENOSPC, "output buffer " + std::to_string(i) +
								" for " + deviceName() + " holds " +
								std::to_string(buf->size()) +
								" bytes, " + std::to_string(need) +
								" needed");
		Result<Mapping> map = Mapping::map(buf->fd(), need, Mapping::Write, 0,
						   "libv4l2 output buffer " + std::to_string(i));
		if (!map)
			return std::move(map).error();
		pb.buffer = std::move(*buf);
		pb.mapping = std::move(*map);

		FrameBuffer &fb = frames[i];
		fb.index = i;
		fb.format = layout_.format;
		fb.width = layout_.width;
		fb.height = layout_.height;
		fb.numPlanes = layout_.numColourPlanes;
		fb.encoding = layout_.encoding;
		for (uint32_t c = 0; c < layout_.numColourPlanes; ++c) {
			const ColourPlane &cp = layout_.planes[c];
			fb.planes[c].fd = pb.buffer.fd();
			fb.planes[c].id = pb.buffer.id();
			fb.planes[c].offset = cp.offset;
			fb.planes[c].stride = cp.stride;
			/* Written by the CPU line by line: linear. */
			fb.planes[c].modifier = DRM_FORMAT_MOD_LINEAR;
		}
		fb.numMemoryPlanes = 1;
		fb.memory[0] = &pb.buffer;
	}
	free_.clear();
	free_.reserve(config_.buffers);
	/* Highest index last: the first frame goes into buffer 0. */
	for (uint32_t i = config_.buffers; i-- > 0;)
		free_.push_back(i);
	slots_.assign(std::move(frames), [this](uint32_t index) { onBufferReturned(index); });
	return {};
}

void Libv4l2Source::release()
{
	slots_.clear();
	free_.clear();
	pool_.clear();
	/*
	 * Order matters to libv4l2: it refuses REQBUFS while any of its
	 * conversion buffers is still mapped (EBUSY), and frees its
	 * conversion memory at v4l2_close. A lost device answers ENODEV and
	 * has let go of everything itself.
	 */
	mappings_.clear();
	queued_.clear();
	if (requested_ && fd_.isValid()) {
		v4l2_requestbuffers req = {};
		req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		req.memory = V4L2_MEMORY_MMAP;
		(void)fd_.ioctl(VIDIOC_REQBUFS, &req);
	}
	requested_ = false;
	fd_.reset();
	driver_.clear();
	layout_ = {};
	emulatedFourcc_ = 0;
	deviceFourcc_ = 0;
}

Result<void> Libv4l2Source::start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
				  ErrorHandler onError)
{
	if (!fd_.isValid() || slots_.size() == 0)
		return Error::fromErrno(EINVAL, describe() + ": start() before configure()");
	if (streaming_)
		return Error::fromErrno(EBUSY, describe() + ": already streaming");
	if (failed_)
		return Error::fromErrno(ENODEV,
					describe() + ": the device failed; configure again");

	stats_ = &stats;
	onFrame_ = std::move(onFrame);
	onError_ = std::move(onError);
	sequence_.reset();

	/* Every libv4l2 buffer: none is ever held past its copy. */
	auto undo = [this] {
		v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		(void)fd_.ioctl(VIDIOC_STREAMOFF, &type);
		queued_.assign(queued_.size(), false);
	};
	for (uint32_t i = 0; i < mappings_.size(); ++i) {
		int ret = queue(i);
		if (ret < 0) {
			undo();
			return Error::fromErrno(-ret, "VIDIOC_QBUF of buffer " + std::to_string(i) +
							      " through libv4l2 on " +
							      deviceName());
		}
	}
	v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	int ret = fd_.ioctl(VIDIOC_STREAMON, &type);
	if (ret < 0) {
		undo();
		return Error::fromErrno(-ret, "VIDIOC_STREAMON through libv4l2 on " + deviceName());
	}
	/* libv4l2's fd is the device's: vb2 signals a done buffer with
	 * EPOLLIN, and libv4l2 converts when it is dequeued. */
	ret = deviceWatch_.watch(loop, fd_.get(), EPOLLIN,
				 [this](uint32_t events) { onFdEvents(events); });
	if (ret < 0) {
		undo();
		return Error::fromErrno(-ret, "watching " + deviceName() + " on the event loop");
	}
	streaming_ = true;
	return {};
}

void Libv4l2Source::stop()
{
	if (!streaming_)
		return;
	deviceWatch_.reset();
	streaming_ = false;
	/* STREAMOFF hands every queued buffer back. Pool buffers still held
	 * by sinks stay valid and return to the free list when let go. */
	if (fd_.isValid()) {
		v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		(void)fd_.ioctl(VIDIOC_STREAMOFF, &type);
	}
	queued_.assign(queued_.size(), false);
}

int Libv4l2Source::queue(uint32_t index)
{
	v4l2_buffer buf = {};
	buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	buf.memory = V4L2_MEMORY_MMAP;
	buf.index = index;
	int ret = fd_.ioctl(VIDIOC_QBUF, &buf);
	if (ret == 0)
		queued_[index] = true;
	return ret;
}

void Libv4l2Source::onBufferReturned(uint32_t index)
{
	/* Whatever the streaming state: the pool is primecam's, not the
	 * device's, and the buffer may take the next frame at once. */
	free_.push_back(index);
}

void Libv4l2Source::onFdEvents(uint32_t events)
{
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		drainBuffers(events & (EPOLLERR | EPOLLHUP));
}

/*
 * One DQBUF per wake-up, not a loop until EAGAIN: libv4l2 prints "error
 * dequeuing buf" on stderr for every EAGAIN while it passes frames through,
 * and epoll is level-triggered, so a second done buffer wakes the loop again
 * at once.
 */
void Libv4l2Source::drainBuffers(bool pollError)
{
	if (!streaming_ || failed_)
		return;
	v4l2_buffer buf = {};
	buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	buf.memory = V4L2_MEMORY_MMAP;
	/* libv4l2 converts into its buffer here, on this thread. */
	int ret = fd_.ioctl(VIDIOC_DQBUF, &buf);
	if (ret == -EAGAIN) {
		/*
		 * EPOLLERR with nothing to dequeue: vb2 sets it when its
		 * queue is in the error state; say that rather than spin on a
		 * level-triggered error.
		 */
		if (pollError)
			deviceLost(EIO, "poll reported EPOLLERR");
		return;
	}
	if (ret < 0) {
		/*
		 * ENODEV: the device is gone. EIO: vb2's queue is in the
		 * error state, or libv4lconvert failed to decode several
		 * frames in a row; either way the stream cannot go on.
		 */
		deviceLost(-ret, "VIDIOC_DQBUF through libv4l2");
		return;
	}
	if (buf.index >= mappings_.size() || !queued_[buf.index]) {
		fail(Error::fromErrno(EPROTO, deviceName() + " returned buffer " +
						      std::to_string(buf.index) +
						      ", which it was not given"));
		return;
	}
	queued_[buf.index] = false;
	deliver(buf.index, buf);
}

/*
 * One dequeued libv4l2 buffer: copied into a free pool buffer (or dropped),
 * queued back at once, and the pool buffer handed out.
 */
void Libv4l2Source::deliver(uint32_t deviceIndex, const v4l2_buffer &buf)
{
	const uint32_t size = layout_.memoryPlaneSizes[0];
	int32_t poolIndex = -1;
	bool ok = true;

	if (buf.flags & V4L2_BUF_FLAG_ERROR) {
		/* The driver says the contents are garbage: never shown. */
		++stats_->captureErrors;
	} else if (buf.bytesused < size) {
		/* A short frame would show the rest of an older picture. */
		++stats_->captureErrors;
	} else if (free_.empty()) {
		/* Every pool buffer is with the sinks (on screen, queued):
		 * overwriting one would tear what is displayed. */
		++stats_->sourceDropped;
	} else {
		poolIndex = static_cast<int32_t>(free_.back());
		free_.pop_back();
		PoolBuffer &pb = pool_[static_cast<uint32_t>(poolIndex)];
		/* Exactly one SYNC START/END around the copy: on non-coherent
		 * hardware that is what flushes the CPU's writes out to where
		 * the display reads. The libv4l2 side is plain memory
		 * (libv4lconvert's output, or a vb2 MMAP buffer that DQBUF
		 * already synced for the CPU). */
		Result<CpuAccess> access = CpuAccess::begin(pb.buffer.fd(), CpuAccess::Mode::Write);
		if (!access) {
			free_.push_back(static_cast<uint32_t>(poolIndex));
			fail(Error::fromErrno(access.error().code,
					      "output buffer " + std::to_string(poolIndex) +
						      " of " + deviceName() + ": " +
						      access.error().message));
			ok = false;
		} else {
			std::memcpy(pb.mapping.data().data(), mappings_[deviceIndex].data().data(),
				    size);
			int ret = access->end();
			if (ret < 0) {
				free_.push_back(static_cast<uint32_t>(poolIndex));
				fail(Error::fromErrno(-ret, "DMA_BUF_IOCTL_SYNC END on output "
							    "buffer " +
								    std::to_string(poolIndex) +
								    " of " + deviceName()));
				ok = false;
			} else {
				++stats_->sourceCopies;
			}
		}
	}

	/* Back to the device before the frame goes on: the copy is done. */
	int ret = queue(deviceIndex);
	if (ret < 0) {
		if (ok && poolIndex >= 0)
			free_.push_back(static_cast<uint32_t>(poolIndex));
		std::string what =
			"VIDIOC_QBUF of buffer " + std::to_string(deviceIndex) + " through libv4l2";
		if (ret == -ENODEV || ret == -EIO)
			deviceLost(-ret, what);
		else
			fail(Error::fromErrno(-ret, what + " on " + deviceName()));
		return;
	}
	if (!ok || poolIndex < 0)
		return;

	FrameMetadata meta;
	meta.sequence = sequence_.extend(buf.sequence);
	std::optional<int64_t> ts = monotonicTimestampNs(buf.flags, buf.timestamp);
	if (!ts)
		dequeueTimestamps_ = true;
	meta.timestampNs = ts ? *ts : monotonicNowNs();
	onFrame_(slots_.hold(static_cast<uint32_t>(poolIndex), meta));
}

void Libv4l2Source::deviceLost(int code, std::string_view what)
{
	fail(Error::fromErrno(code, "capture device " + deviceName() + " lost (" +
					    std::string(what) + ")"));
}

void Libv4l2Source::fail(const Error &error)
{
	if (failed_)
		return;
	failed_ = true;
	/* Level-triggered: a dead fd would report EPOLLERR forever. */
	deviceWatch_.reset();
	if (onError_)
		onError_(error);
}

} /* namespace primecam */
