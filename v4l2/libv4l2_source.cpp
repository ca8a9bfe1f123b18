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
#include "v4l2/libv4l2_ioctl.h"

namespace primecam {

namespace {

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
	if (!device_)
		return config_.device;
	return device_->path() + " (" + device_->driver() + ")";
}

std::vector<std::string> Libv4l2Source::adjustments() const
{
	std::string rate = rateAdjustment(device_ ? device_->driver() : "", interval_, config_.fps,
					  layout_.width, layout_.height);
	if (rate.empty())
		return {};
	return {rate};
}

std::string Libv4l2Source::describe() const
{
	std::string format = config_.format ? std::string(config_.format->name) : "(no format)";
	if (!device_ || !layout_.format)
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
	if (frames_.usesDequeueTime())
		text += std::string("; ") + DequeuedFrames::kDequeueTimeNote;
	return text + "; " + std::string(kCopyNote);
}

std::vector<std::string> Libv4l2Source::notes() const
{
	return {std::string(kCopyNote)};
}

Result<void> Libv4l2Source::configure()
{
	const std::string what = "libv4l2 source " + config_.device;
	Result<void> ok = life_.checkConfigure(what, slots_.heldCount());
	if (!ok)
		return ok;
	release();
	frames_.reset();

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

	ok = openDevice();
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
	life_.setConfigured(true);
	life_.setRestartPolicy(config_.restart);
	return {};
}

bool Libv4l2Source::deviceAvailable() const
{
	return openCaptureNode(config_.device, CaptureConfig::Api::SinglePlanar).ok();
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

	Result<VideoDevice> device = VideoDevice::open(node->path(), libv4l2Ioctl());
	if (!device)
		return std::move(device).error();
	device_ = std::move(*device);
	return {};
}

Result<void> Libv4l2Source::applyFormat()
{
	emulatedFourcc_ = config_.format->v4l2;
	const std::string asked =
		fourccText(emulatedFourcc_) + " " + sizeText(config_.width, config_.height);

	Result<v4l2_format> set =
		device_->setFormat(emulatedFourcc_, config_.width, config_.height);
	if (!set)
		return Error::fromErrno(set.error().code,
					set.error().message + " (" + asked + " through libv4l2)");
	const v4l2_format &fmt = *set;

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
	if (::ioctl(device_->fd(), VIDIOC_G_FMT, &native) < 0)
		return Error::fromErrno(errno, "VIDIOC_G_FMT on " + deviceName());
	deviceFourcc_ = native.fmt.pix.pixelformat;
	return {};
}

Result<void> Libv4l2Source::applyFrameRate()
{
	/* Through libv4l2, which also tells libv4lconvert the rate. */
	Result<Fraction> interval =
		primecam::applyFrameRate(*device_, config_.fps, "libv4l2 source " + deviceName());
	if (!interval)
		return std::move(interval).error();
	interval_ = *interval;
	return {};
}

Result<void> Libv4l2Source::mapDeviceBuffers()
{
	Result<uint32_t> count = queue_.request(*device_, V4L2_BUF_TYPE_VIDEO_CAPTURE,
						config_.buffers, V4L2_MEMORY_MMAP);
	if (!count)
		return std::move(count).error();

	/* Sized once: nothing grows while streaming. */
	mappings_.reserve(*count);
	for (uint32_t i = 0; i < *count; ++i) {
		/* While converting, libv4l2 answers with an offset and length
		 * into its own conversion memory, which v4l2_mmap recognises. */
		BufferState state;
		int ret = queue_.query(i, state);
		if (ret < 0)
			return Error::fromErrno(-ret, "VIDIOC_QUERYBUF of buffer " +
							      std::to_string(i) + " on " +
							      device_->describe());
		Result<Libv4l2Mapping> map =
			Libv4l2Mapping::map(device_->fd(), state.length[0], state.mmapOffset[0]);
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
	life_.setConfigured(false);
	slots_.clear();
	free_.clear();
	pool_.clear();
	/*
	 * Order matters to libv4l2: it refuses REQBUFS while any of its
	 * conversion buffers is still mapped (EBUSY), and frees its
	 * conversion memory at v4l2_close.
	 */
	mappings_.clear();
	queue_.release();
	device_.reset();
	layout_ = {};
	interval_ = {};
	emulatedFourcc_ = 0;
	deviceFourcc_ = 0;
}

Result<void> Libv4l2Source::start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
				  ErrorHandler onError)
{
	return life_.start(
		describe(), loop, stats, std::move(onFrame), std::move(onError),
		[this] { return begin(); }, [this] { halt(); });
}

Result<void> Libv4l2Source::begin()
{
	Result<void> ok = queueAllAndStreamOn();
	if (!ok)
		return ok;
	/* libv4l2's fd is the device's: vb2 signals a done buffer with
	 * EPOLLIN, and libv4l2 converts when it is dequeued. */
	return life_.watch(deviceName(), device_->fd(), EPOLLIN,
			   [this](uint32_t events) { onFdEvents(events); });
}

Result<void> Libv4l2Source::queueAllAndStreamOn()
{
	/* Every libv4l2 buffer: none is ever held past its copy. */
	for (uint32_t i = 0; i < queue_.count(); ++i) {
		int ret = queue(i);
		if (ret < 0)
			return Error::fromErrno(-ret, "VIDIOC_QBUF of buffer " + std::to_string(i) +
							      " through libv4l2 on " +
							      deviceName());
	}
	int ret = queue_.streamOn();
	if (ret < 0)
		return Error::fromErrno(-ret, "VIDIOC_STREAMON through libv4l2 on " + deviceName());
	return {};
}

/* stop(), and the rollback of a start() that failed half-way. */
void Libv4l2Source::halt()
{
	/* STREAMOFF hands every queued buffer back. Pool buffers still held
	 * by sinks stay valid and return to the free list when let go. */
	queue_.streamOff();
}

void Libv4l2Source::stop()
{
	life_.stop([this] { halt(); });
}

int Libv4l2Source::queue(uint32_t index)
{
	BufferState state;
	return queue_.queue(index, DmabufPlanes{}, state);
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
	if (!life_.isDelivering())
		return;
	/* libv4l2 converts into its buffer here, on this thread. */
	BufferState buf;
	int ret = queue_.dequeue(buf);
	if (ret == -EAGAIN) {
		/*
		 * EPOLLERR with nothing to dequeue: vb2 sets it when its
		 * queue is in the error state; say that rather than spin on a
		 * level-triggered error.
		 */
		if (pollError)
			streamError(EIO, "poll reported EPOLLERR");
		return;
	}
	if (ret == -EPROTO) {
		life_.fail(queue_.notGivenError(buf.index));
		return;
	}
	if (ret < 0) {
		/*
		 * ENODEV: the device is gone. EIO: vb2's queue is in the
		 * error state, or libv4lconvert failed to decode several
		 * frames in a row; a restart clears either.
		 */
		streamError(-ret, "VIDIOC_DQBUF through libv4l2");
		return;
	}
	deliver(buf);
}

/*
 * One dequeued libv4l2 buffer: copied into a free pool buffer (or dropped),
 * queued back at once, and the pool buffer handed out.
 */
void Libv4l2Source::deliver(const BufferState &buf)
{
	const uint32_t size = layout_.memoryPlaneSizes[0];
	int32_t poolIndex = -1;
	PipelineStats &stats = life_.stats();

	if ((buf.flags & V4L2_BUF_FLAG_ERROR) || buf.bytesused[0] < size) {
		/* The driver says the contents are garbage, or the frame is
		 * short and would show the rest of an older picture: never
		 * shown. */
		++stats.captureErrors;
	} else if (free_.empty()) {
		/* Every pool buffer is with the sinks (on screen, queued):
		 * overwriting one would tear what is displayed. */
		++stats.sourceDropped;
	} else {
		poolIndex = copyIntoPool(buf.index);
		if (poolIndex < 0)
			return;
	}

	/* Back to the device before the frame goes on: the copy is done. */
	int ret = queue(buf.index);
	if (ret < 0) {
		if (poolIndex >= 0)
			free_.push_back(static_cast<uint32_t>(poolIndex));
		if (ret == -ENODEV || ret == -EIO)
			streamError(-ret, "VIDIOC_QBUF through libv4l2");
		else
			life_.fail(Error::fromErrno(
				-ret, "VIDIOC_QBUF of buffer " + std::to_string(buf.index) +
					      " through libv4l2 on " + deviceName()));
		return;
	}
	if (poolIndex < 0)
		return;

	FrameMetadata meta = frames_.metadata(life_, buf.sequence, buf.flags, buf.timestamp);
	life_.deliver(slots_.hold(static_cast<uint32_t>(poolIndex), meta));
}

/* The copy of libv4l2 buffer deviceIndex into a free pool buffer: its index,
 * or -1 after a failure (which fails the source). */
int32_t Libv4l2Source::copyIntoPool(uint32_t deviceIndex)
{
	const uint32_t poolIndex = free_.back();
	free_.pop_back();
	PoolBuffer &pb = pool_[poolIndex];
	/* Exactly one SYNC START/END around the copy: on non-coherent hardware
	 * that is what flushes the CPU's writes out to where the display
	 * reads. The libv4l2 side is plain memory (libv4lconvert's output, or
	 * a vb2 MMAP buffer that DQBUF already synced for the CPU). */
	Result<CpuAccess> access = CpuAccess::begin(pb.buffer.fd(), CpuAccess::Mode::Write);
	if (!access) {
		free_.push_back(poolIndex);
		life_.fail(Error::fromErrno(access.error().code,
					    "output buffer " + std::to_string(poolIndex) + " of " +
						    deviceName() + ": " + access.error().message));
		return -1;
	}
	std::memcpy(pb.mapping.data().data(), mappings_[deviceIndex].data().data(),
		    layout_.memoryPlaneSizes[0]);
	int ret = access->end();
	if (ret < 0) {
		free_.push_back(poolIndex);
		life_.fail(Error::fromErrno(-ret, "DMA_BUF_IOCTL_SYNC END on output buffer " +
							  std::to_string(poolIndex) + " of " +
							  deviceName()));
		return -1;
	}
	++life_.stats().sourceCopies;
	return static_cast<int32_t>(poolIndex);
}

void Libv4l2Source::streamError(int code, std::string_view what)
{
	life_.streamError(code, what, deviceName(), [this] {
		queue_.streamOff();
		return queueAllAndStreamOn();
	});
}

} /* namespace primecam */
