/* SPDX-License-Identifier: MIT */
#include "camera/libcamera_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>
#include <libcamera/color_space.h>
#include <libcamera/framebuffer.h>
#include <libcamera/framebuffer_allocator.h>
#include <libcamera/request.h>
#include <libcamera/stream.h>
#include <libdrm/drm_fourcc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/event_loop.h"
#include "camera/camera_manager.h"
#include "camera/libcamera_compat.h"
#include "pipeline/stats.h"

namespace primecam {

namespace {

/* "BGR888 48x48-4096x2160, RGB888 48x48-4096x2160" */
std::string offered(const libcamera::StreamConfiguration &stream)
{
	std::string text;
	for (const libcamera::PixelFormat &pf : stream.formats().pixelformats()) {
		libcamera::SizeRange range = stream.formats().range(pf);
		text += (text.empty() ? "" : ", ") + pf.toString() + " " + range.min.toString() +
			"-" + range.max.toString();
	}
	return text.empty() ? "none" : text;
}

/* libcamera's ColorSpace, when the pipeline states one, as primecam's YUV
 * encoding; BT.601 limited (V4L2's webcam default) when it does not. */
YuvEncoding encodingOf(const libcamera::StreamConfiguration &stream)
{
	YuvEncoding encoding;
	if (!stream.colorSpace)
		return encoding;
	switch (stream.colorSpace->ycbcrEncoding) {
	case libcamera::ColorSpace::YcbcrEncoding::Rec709:
		encoding.matrix = YuvMatrix::Bt709;
		break;
	case libcamera::ColorSpace::YcbcrEncoding::Rec2020:
		encoding.matrix = YuvMatrix::Bt2020;
		break;
	default: /* Rec601, or None for RGB and raw streams */
		break;
	}
	if (stream.colorSpace->range == libcamera::ColorSpace::Range::Full)
		encoding.range = YuvRange::Full;
	return encoding;
}

} /* namespace */

LibcameraSource::LibcameraSource(LibcameraConfig config) : config_(std::move(config))
{}

LibcameraSource::~LibcameraSource()
{
	stop();
	release();
}

std::string LibcameraSource::describe() const
{
	std::string format = config_.format ? std::string(config_.format->name) : "(no format)";
	if (!camera_ || !format_)
		return "libcamera " +
		       (config_.camera.empty() ? std::string("(first camera)")
					       : "\"" + config_.camera + "\"") +
		       " " + format + " " + sizeText(config_.width, config_.height);
	std::string text = "libcamera \"" + cameraId_ + "\"" +
			   (model_.empty() ? std::string() : " (" + model_ + ")") + " " +
			   std::string(format_->name) + " " + sizeText(width_, height_) +
			   ", stride " + std::to_string(stride_) + ", " +
			   std::to_string(requests_.size()) +
			   " buffers from libcamera's FrameBufferAllocator (dma-bufs)";
	for (const std::string &adjustment : adjustments_)
		text += "; " + adjustment;
	return text;
}

std::vector<std::string> LibcameraSource::adjustments() const
{
	return adjustments_;
}

Result<void> LibcameraSource::configure()
{
	Result<void> ok = life_.checkConfigure(describe(), slots_.heldCount());
	if (!ok)
		return ok;
	release();

	if (!config_.format || !config_.format->drm)
		return Error::fromErrno(EINVAL, "libcamera source: no pixel format with a DRM "
						"fourcc given (libcamera names formats by DRM "
						"fourcc)");
	if (config_.width == 0 || config_.height == 0)
		return Error::fromErrno(EINVAL, "libcamera source: no frame size given");
	if (config_.buffers == 0)
		return Error::fromErrno(EINVAL, "libcamera source: buffers = 0");

	Result<std::shared_ptr<libcamera::CameraManager>> manager = sharedCameraManager();
	if (!manager)
		return std::move(manager).error();
	manager_ = std::move(*manager);
	Result<std::shared_ptr<libcamera::Camera>> camera = findCamera(*manager_, config_.camera);
	if (!camera) {
		manager_.reset();
		return std::move(camera).error();
	}
	camera_ = std::move(*camera);
	cameraId_ = camera_->id();
	model_ = compat::cameraModel(*camera_);

	int ret = camera_->acquire();
	if (ret < 0) {
		Error err =
			Error::fromErrno(-ret, "acquiring libcamera camera \"" + cameraId_ +
						       "\" (another process or source uses it?)");
		release();
		return err;
	}
	acquired_ = true;

	ok = selectConfiguration();
	if (ok)
		ok = allocate();
	if (ok)
		ok = buildFrameBuffers();
	if (!ok) {
		release();
		return ok;
	}
	life_.setConfigured(true);
	return {};
}

Result<void> LibcameraSource::selectConfiguration()
{
	const std::string name = "libcamera camera \"" + cameraId_ + "\"";
	cameraConfig_ = compat::viewfinderConfiguration(*camera_);
	if (!cameraConfig_ || cameraConfig_->empty())
		return Error::fromErrno(ENOTSUP, name + " has no viewfinder stream");

	libcamera::StreamConfiguration &stream = cameraConfig_->at(0);
	const libcamera::PixelFormat wanted(config_.format->drm);
	std::vector<libcamera::PixelFormat> formats = stream.formats().pixelformats();
	if (std::find(formats.begin(), formats.end(), wanted) == formats.end())
		return Error::fromErrno(
			EINVAL, name + " cannot give " + std::string(config_.format->name) +
					"; its viewfinder stream offers " + offered(stream));

	stream.pixelFormat = wanted;
	stream.size = libcamera::Size(config_.width, config_.height);
	stream.bufferCount = config_.buffers;
	libcamera::CameraConfiguration::Status status = cameraConfig_->validate();
	if (status == libcamera::CameraConfiguration::Invalid)
		return Error::fromErrno(EINVAL, name + " refuses " +
							std::string(config_.format->name) + " " +
							sizeText(config_.width, config_.height) +
							"; it offers " + offered(stream));
	if (stream.pixelFormat != wanted)
		return Error::fromErrno(
			EINVAL, name + " cannot give " + std::string(config_.format->name) + " " +
					sizeText(config_.width, config_.height) + " (it proposes " +
					stream.toString() + "); it offers " + offered(stream));
	/* libcamera rounds sizes to what its pipeline can produce (vimc: a
	 * 640x480 request gives 636x480): say so, the display must fit it. */
	if (stream.size.width != config_.width || stream.size.height != config_.height)
		adjustments_.push_back("libcamera adjusted " +
				       sizeText(config_.width, config_.height) + " to " +
				       stream.size.toString());
	if (stream.bufferCount != config_.buffers)
		adjustments_.push_back("libcamera adjusted " + std::to_string(config_.buffers) +
				       " buffers to " + std::to_string(stream.bufferCount));

	int ret = camera_->configure(cameraConfig_.get());
	if (ret < 0)
		return Error::fromErrno(-ret, "configuring " + name + " for " + stream.toString());

	format_ = formatByDrm(stream.pixelFormat.fourcc());
	if (!format_)
		return Error::fromErrno(ENOTSUP, name + " configured " + stream.toString() +
							 ", a format primecam does not know");
	stream_ = stream.stream();
	encoding_ = encodingOf(stream);
	width_ = stream.size.width;
	height_ = stream.size.height;
	stride_ = stream.stride;
	return {};
}

Result<void> LibcameraSource::allocate()
{
	const std::string name = "libcamera camera \"" + cameraId_ + "\"";
	allocator_ = std::make_unique<libcamera::FrameBufferAllocator>(camera_);
	int ret = allocator_->allocate(stream_);
	if (ret < 0)
		return Error::fromErrno(-ret, "allocating buffers for " + name);
	if (ret == 0)
		return Error::fromErrno(ENOMEM, name + " allocated no buffers");
	const std::vector<std::unique_ptr<libcamera::FrameBuffer>> &buffers =
		allocator_->buffers(stream_);
	allocations_ += buffers.size();

	/* One request per buffer, for the whole life of the configuration. */
	requests_.resize(buffers.size());
	for (uint32_t i = 0; i < buffers.size(); ++i) {
		std::unique_ptr<libcamera::Request> request = camera_->createRequest(i);
		if (!request)
			return Error::fromErrno(ENOMEM, "creating request " + std::to_string(i) +
								" on " + name);
		++allocations_;
		ret = request->addBuffer(stream_, buffers[i].get());
		if (ret < 0)
			return Error::fromErrno(-ret, "adding buffer " + std::to_string(i) +
							      " to its request on " + name);
		requests_[i].request = std::move(request);
	}
	completed_.reserve(requests_.size());
	draining_.reserve(requests_.size());

	UniqueFd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	if (!wake.isValid())
		return Error::fromErrno(errno, "eventfd for " + name);
	wakeFd_ = std::move(wake);

	camera_->requestCompleted.connect(this, &LibcameraSource::requestCompleted);
	camera_->disconnected.connect(this, &LibcameraSource::disconnected);
	connected_ = true;
	return {};
}

Result<void> LibcameraSource::buildFrameBuffers()
{
	const std::vector<std::unique_ptr<libcamera::FrameBuffer>> &buffers =
		allocator_->buffers(stream_);
	size_t planes = 0;
	for (const auto &buffer : buffers)
		planes += buffer->planes().size();
	/* Sized once: FrameBuffer::memory points into it. */
	memory_.reserve(planes);

	std::vector<FrameBuffer> frames(buffers.size());
	for (uint32_t i = 0; i < buffers.size(); ++i) {
		const std::vector<libcamera::FrameBuffer::Plane> &lp = buffers[i]->planes();
		std::string what =
			"libcamera camera \"" + cameraId_ + "\" buffer " + std::to_string(i);
		if (lp.size() != format_->numPlanes || lp.size() > 3)
			return Error::fromErrno(
				EPROTO, what + " has " + std::to_string(lp.size()) + " planes, " +
						std::string(format_->name) + " has " +
						std::to_string(format_->numPlanes));
		FrameBuffer &fb = frames[i];
		fb.index = i;
		fb.format = format_;
		fb.width = width_;
		fb.height = height_;
		fb.numPlanes = static_cast<uint32_t>(lp.size());
		fb.encoding = encoding_;
		for (uint32_t c = 0; c < lp.size(); ++c) {
			Result<BufferId> id = bufferIdOf(lp[c].fd.get());
			if (!id)
				return Error::fromErrno(id.error().code,
							what + ": " + id.error().message);
			/* Planes of one buffer often share a dma-buf (NV12 in one
			 * allocation): one owner per dma-buf, found by identity. */
			const DmaBuf *mem = nullptr;
			for (const DmaBuf &m : memory_)
				if (m.id() == *id)
					mem = &m;
			if (!mem) {
				int fd = fcntl(lp[c].fd.get(), F_DUPFD_CLOEXEC, 0);
				if (fd < 0)
					return Error::fromErrno(errno, what + ": dup of plane " +
									       std::to_string(c));
				Result<DmaBuf> buf = DmaBuf::adopt(UniqueFd(fd));
				if (!buf)
					return Error::fromErrno(buf.error().code,
								what + ": " + buf.error().message);
				memory_.push_back(std::move(*buf));
				mem = &memory_.back();
				fb.memory[fb.numMemoryPlanes++] = mem;
			} else {
				bool listed = false;
				for (uint32_t m = 0; m < fb.numMemoryPlanes; ++m)
					listed = listed || fb.memory[m] == mem;
				if (!listed)
					fb.memory[fb.numMemoryPlanes++] = mem;
			}
			uint32_t offset =
				lp[c].offset == libcamera::FrameBuffer::Plane::kInvalidOffset
					? 0
					: lp[c].offset;
			if (uint64_t{offset} + lp[c].length > mem->size())
				return Error::fromErrno(
					EINVAL,
					what + " plane " + std::to_string(c) + " at offset " +
						std::to_string(offset) + " length " +
						std::to_string(lp[c].length) + " runs past its " +
						std::to_string(mem->size()) + "-byte dma-buf");
			/*
			 * libcamera reports one stride, the first plane's; the
			 * other planes' follow from it as their line sizes do
			 * (NV12's chroma line is the luma line, YUV420's half).
			 */
			uint32_t stride = stride_;
			if (c > 0)
				stride = static_cast<uint32_t>(uint64_t{stride_} *
							       format_->minLineBytes(c, width_) /
							       format_->minLineBytes(0, width_));
			fb.planes[c].fd = mem->fd();
			fb.planes[c].id = mem->id();
			fb.planes[c].offset = offset;
			fb.planes[c].stride = stride;
			/* libcamera 0.0.3 allocates linear buffers only. */
			fb.planes[c].modifier = DRM_FORMAT_MOD_LINEAR;
		}
	}
	slots_.assign(std::move(frames), [this](uint32_t index) { onBufferReturned(index); });
	return {};
}

void LibcameraSource::release()
{
	life_.setConfigured(false);
	if (connected_ && camera_) {
		camera_->requestCompleted.disconnect(this);
		camera_->disconnected.disconnect(this);
	}
	connected_ = false;
	slots_.clear();
	requests_.clear();
	memory_.clear();
	completed_.clear();
	draining_.clear();
	/* Frees the buffers (they must not be in a request any more). */
	allocator_.reset();
	if (acquired_ && camera_)
		camera_->release();
	acquired_ = false;
	cameraConfig_.reset();
	stream_ = nullptr;
	camera_.reset();
	manager_.reset();
	wakeFd_ = UniqueFd();
	format_ = nullptr;
	adjustments_.clear();
	lost_ = false;
}

Result<void> LibcameraSource::start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
				    ErrorHandler onError)
{
	return life_.start(
		describe(), loop, stats, std::move(onFrame), std::move(onError),
		[this] { return begin(); }, [this] { halt(); });
}

Result<void> LibcameraSource::begin()
{
	Result<void> ok =
		life_.watch(describe(), wakeFd_.get(), EPOLLIN, [this](uint32_t) { onWake(); });
	if (!ok)
		return ok;
	int ret = camera_->start();
	if (ret < 0)
		return Error::fromErrno(-ret, "starting libcamera camera \"" + cameraId_ + "\"");

	/* Buffers a sink still holds from before stop() are queued when they
	 * come back, not now: they may be on screen. */
	uint32_t queued = 0;
	for (uint32_t i = 0; i < requests_.size(); ++i) {
		if (slots_.isHeld(i) || requests_[i].queued)
			continue;
		ret = queue(i);
		if (ret < 0)
			return Error::fromErrno(-ret, "queueing request " + std::to_string(i) +
							      " on libcamera camera \"" +
							      cameraId_ + "\"");
		++queued;
	}
	if (queued == 0)
		return Error::fromErrno(EBUSY, describe() + ": all " +
						       std::to_string(requests_.size()) +
						       " buffers are still held by sinks");
	return {};
}

/* stop(), and the rollback of a start() that failed half-way. */
void LibcameraSource::halt()
{
	/*
	 * Blocking: libcamera completes every queued request (cancelled) on
	 * its thread before stop() returns, so afterwards the completion queue
	 * holds all of them and no more can come. A camera that never started
	 * returns at once.
	 */
	(void)camera_->stop();
	drainCompletions(false);
	/* A wake-up that arrived while nothing watched is stale. */
	uint64_t count;
	if (wakeFd_.isValid())
		(void)!read(wakeFd_.get(), &count, sizeof(count));
}

void LibcameraSource::stop()
{
	life_.stop([this] { halt(); });
}

int LibcameraSource::queue(uint32_t index)
{
	Slot &slot = requests_[index];
	/* Back to a fresh request, keeping its buffer (also for one that was
	 * cancelled by a stop()). */
	compat::reuseRequest(*slot.request);
	int ret = camera_->queueRequest(slot.request.get());
	if (ret == 0)
		slot.queued = true;
	return ret;
}

void LibcameraSource::onBufferReturned(uint32_t index)
{
	/* After stop() or a failure the buffer waits for the next start(). */
	if (!life_.isDelivering())
		return;
	int ret = queue(index);
	if (ret < 0)
		life_.fail(Error::fromErrno(-ret, "queueing request " + std::to_string(index) +
							  " on libcamera camera \"" + cameraId_ +
							  "\""));
}

/* libcamera's thread: no FrameRef, no stats, nothing of the loop's. */
void LibcameraSource::requestCompleted(libcamera::Request *request)
{
	{
		std::lock_guard<std::mutex> guard(lock_);
		completed_.push_back(request);
	}
	wake();
}

void LibcameraSource::disconnected()
{
	{
		std::lock_guard<std::mutex> guard(lock_);
		lost_ = true;
	}
	wake();
}

void LibcameraSource::wake()
{
	uint64_t one = 1;
	(void)!write(wakeFd_.get(), &one, sizeof(one));
}

void LibcameraSource::onWake()
{
	uint64_t count;
	(void)!read(wakeFd_.get(), &count, sizeof(count));
	drainCompletions(true);
	bool lost;
	{
		std::lock_guard<std::mutex> guard(lock_);
		lost = lost_;
	}
	if (lost && life_.isDelivering())
		life_.fail(
			Error::fromErrno(ENODEV, "libcamera camera \"" + cameraId_ +
							 "\" disconnected (the device went away)"));
}

void LibcameraSource::drainCompletions(bool deliver)
{
	{
		std::lock_guard<std::mutex> guard(lock_);
		/* Swapping keeps both capacities: nothing is allocated. */
		completed_.swap(draining_);
	}
	for (libcamera::Request *request : draining_) {
		if (deliver && life_.isDelivering())
			complete(request);
		else if (request->cookie() < requests_.size())
			requests_[request->cookie()].queued = false;
	}
	draining_.clear();
}

void LibcameraSource::complete(libcamera::Request *request)
{
	uint64_t index = request->cookie();
	if (index >= requests_.size() || requests_[index].request.get() != request ||
	    !requests_[index].queued) {
		life_.fail(Error::fromErrno(EPROTO,
					    "libcamera camera \"" + cameraId_ +
						    "\" completed a request it was not given"));
		return;
	}
	requests_[index].queued = false;
	const uint32_t i = static_cast<uint32_t>(index);

	libcamera::FrameBuffer *buffer = request->findBuffer(stream_);
	compat::CompletedBuffer done =
		buffer ? compat::completedBuffer(*buffer) : compat::CompletedBuffer{};
	if (request->status() == libcamera::Request::RequestCancelled || !done.ok) {
		/* Not filled (an error in the pipeline): never shown, back
		 * at once. */
		++life_.stats().captureErrors;
		onBufferReturned(i);
		return;
	}
	FrameMetadata meta;
	meta.sequence = life_.sequence().extend(done.sequence);
	/* SensorTimestamp, judged by the same rules as a V4L2 driver's. */
	meta.timestampNs = done.timestampNs;
	life_.judgeTimestamp(meta);
	life_.deliver(slots_.hold(i, meta));
}

} /* namespace primecam */
