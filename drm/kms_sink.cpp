/* SPDX-License-Identifier: MIT */
#include "drm/kms_sink.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <drm_fourcc.h>
#include <poll.h>
#include <xf86drm.h>

#include "base/dma_buf.h"
#include "base/event_loop.h"
#include "pipeline/import_quirks.h"
#include "pipeline/stats.h"

namespace primecam {

namespace {

/* How long stop() and captureWriteback() wait for a flip in flight: a few
 * frame periods even at low refresh rates, and short enough to never hang
 * a pipeline on a display that stopped sending events. */
constexpr std::chrono::milliseconds kFlipTimeout{1000};
/* The writeback fence signals after the next composition, which under
 * software emulation can take several vblanks after a modeset. */
constexpr std::chrono::milliseconds kWritebackTimeout{2000};

/* A CRTC busy for this many vblanks in a row (about a second at 60 Hz) has
 * a commit that will not finish: another client's, or a hung driver. */
constexpr unsigned kMaxBusyVblanks = 60;

bool fatalCommitError(int err)
{
	/* Another client took DRM master (a compositor, a VT switch), or the
	 * card is gone: no later commit can succeed. */
	return err == EACCES || err == EPERM || err == ENODEV;
}

} /* namespace */

KmsSink::KmsSink(KmsSinkConfig config)
	: config_(std::move(config)),
	  flips_([this](const FrameRef &frame) { return commitFrame(frame); })
{}

KmsSink::~KmsSink()
{
	stop();
	teardown();
}

std::string KmsSink::describe() const
{
	if (!output_)
		return "kms " + config_.card;
	return "kms " + card_.driver() + "/" + output_->describe();
}

void KmsSink::teardown()
{
	/* Framebuffers before the handles they hold, all before the card. */
	writeback_.reset();
	framebuffers_.clear();
	exporters_.clear();
	backgroundFb_.reset();
	background_.reset();
	modeBlob_.reset();
	handles_.reset();
	output_.reset();
	resources_.reset();
	card_ = Card();
	configured_ = false;
}

Result<void> KmsSink::configure(std::span<const FrameBuffer> buffers)
{
	if (started_)
		return Error{EBUSY, describe() + ": configure() while started"};
	teardown();
	Result<void> ret = configureCard(buffers);
	if (!ret) {
		teardown();
		return ret;
	}
	configured_ = true;
	return {};
}

Result<void> KmsSink::configureCard(std::span<const FrameBuffer> buffers)
{
	if (buffers.empty())
		return Error{EINVAL, "kms sink on " + config_.card + ": the source has no buffers"};
	const FrameBuffer &first = buffers.front();
	for (const FrameBuffer &buffer : buffers)
		if (buffer.format != first.format || buffer.width != first.width ||
		    buffer.height != first.height || buffer.numPlanes != first.numPlanes ||
		    buffer.planes[0].modifier != first.planes[0].modifier)
			return Error{EINVAL, "kms sink on " + config_.card + ": buffer " +
						     std::to_string(buffer.index) +
						     " differs in format or size from buffer " +
						     std::to_string(first.index)};

	auto card = Card::openByName(config_.card, Card::Role::Display);
	if (!card)
		return std::move(card).error();
	card_ = std::move(*card);
	const std::string cardName = card_.describe();

	/* Writeback connectors need their own client cap, which kernels
	 * before 4.19 lack; the sink then works without captureWriteback(). */
	if (!card_.enableAtomic(true)) {
		Result<void> ret = card_.enableAtomic(false);
		if (!ret)
			return Error{ret.error().code,
				     ret.error().message + ": primecam needs atomic modesetting"};
	}
	auto modifiers = card_.capability(DRM_CAP_ADDFB2_MODIFIERS, "DRM_CAP_ADDFB2_MODIFIERS");
	modifiers_ = modifiers && *modifiers;
	/* Page-flip timestamps are CLOCK_MONOTONIC unless the kernel was told
	 * otherwise (drm.timestamp_monotonic=0); V4L2 stamps frames on
	 * CLOCK_MONOTONIC, and latency subtracts one from the other. */
	auto monotonic =
		card_.capability(DRM_CAP_TIMESTAMP_MONOTONIC, "DRM_CAP_TIMESTAMP_MONOTONIC");
	monotonic_ = monotonic && *monotonic;

	auto res = KmsResources::query(card_);
	if (!res)
		return std::move(res).error();
	resources_ = std::move(*res);

	for (const FrameBuffer &buffer : buffers) {
		std::string exporter = dmaBufExporter(buffer.planes[0].fd);
		/* Imported fine, refused at the first real commit: say so now. */
		if (auto why = importRefusal(card_.driver(), PoolConsumer::KmsScanout, exporter))
			return Error{EINVAL, cardName + " cannot scan out buffer " +
						     std::to_string(buffer.index) + " (a " +
						     exporter + " dma-buf): " + *why};
		exporters_[BufferKey::of(buffer)] = exporter;
	}

	KmsOutput::FrameFormat frame{first.format, first.planes[0].modifier, first.width,
				     first.height, first.encoding};
	auto output = KmsOutput::select(*resources_, config_, frame, cardName);
	if (!output)
		return std::move(output).error();
	output_ = std::move(*output);

	const drmModeModeInfo &mode = output_->mode();
	auto blob = PropertyBlob::create(card_.fd(), &mode, sizeof(mode),
					 "mode " + modeName(mode) + " on " + cardName);
	if (!blob)
		return std::move(blob).error();
	modeBlob_ = std::move(*blob);

	if (output_->background()) {
		auto bg = DumbBuffer::create(card_, mode.hdisplay, mode.vdisplay, 32);
		if (!bg)
			return std::move(bg).error();
		background_ = std::move(*bg);
		/* Fresh dumb buffers are zeroed by the kernel (shmem pages), but
		 * that is not a documented promise of every driver: black is
		 * written explicitly, once. */
		auto map = background_.map(Mapping::Write);
		if (!map)
			return std::move(map).error();
		std::memset(map->data().data(), 0, map->size());
		auto fb =
			Framebuffer::wrap(card_.fd(), background_.handle(), DRM_FORMAT_XRGB8888,
					  mode.hdisplay, mode.vdisplay, background_.pitch(),
					  "the black background under " +
						  output_->plane().describe() + " on " + cardName);
		if (!fb)
			return std::move(fb).error();
		backgroundFb_ = std::move(*fb);
	}

	handles_ = std::make_unique<GemHandleTable>(card_.fd(), cardName);
	for (const FrameBuffer &buffer : buffers) {
		BufferKey key = BufferKey::of(buffer);
		if (framebuffers_.count(key))
			continue;
		auto fb = Framebuffer::import(card_.fd(), *handles_, buffer, modifiers_, cardName);
		if (!fb)
			return std::move(fb).error();
		/* Every buffer, not only the first: their offsets and strides
		 * differ, and an unusable one should fail now, not mid-stream. */
		Result<void> tested = output_->test(card_.fd(), request_, modeBlob_.id(), fb->id(),
						    backgroundFb_.id());
		if (!tested)
			return tested;
		framebuffers_.emplace(key, std::move(*fb));
	}
	return {};
}

Result<void> KmsSink::start(EventLoop &loop, SinkStats &stats)
{
	if (!configured_)
		return Error{EINVAL, describe() + ": start() before configure()"};
	if (started_)
		return {};
	int ret = cardWatch_.watch(loop, card_.fd(), EPOLLIN,
				   [this](uint32_t events) { onCardEvent(events); });
	if (ret < 0)
		return Error::fromErrno(-ret, "watching " + card_.describe() + " for page flips");
	flips_.setStats(&stats);
	started_ = true;
	modesetDone_ = false;
	fatal_ = 0;
	busyVblanks_ = 0;
	lastError_.reset();
	return {};
}

int KmsSink::noteError(int ret, const std::string &what)
{
	lastError_ = Error::fromErrno(-ret, what);
	if (fatalCommitError(-ret))
		fatal_ = ret;
	return ret;
}

int KmsSink::commitFrame(const FrameRef &frame)
{
	const FrameBuffer &buffer = frame.buffer();
	BufferKey key = BufferKey::of(buffer);
	auto it = framebuffers_.find(key);
	if (it == framebuffers_.end())
		return noteError(-ENOENT,
				 describe() + ": buffer " + std::to_string(buffer.index) +
					 " was not among the buffers given to configure()");

	request_.clear();
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	int ret;
	if (!modesetDone_) {
		/* The first commit sets the whole state, whatever an earlier
		 * client left: the same state the TEST_ONLY commit checked. */
		ret = output_->addModeset(request_, modeBlob_.id(), it->second.id(),
					  backgroundFb_.id());
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	} else {
		ret = output_->addFlip(request_, it->second.id());
	}
	lastCommitNs_ = monotonicNowNs();
	if (ret == 0)
		ret = request_.commit(card_.fd(), flags, reinterpret_cast<uintptr_t>(this));
	/* The CRTC still has a commit pending: not this frame's failure, it
	 * is retried at the next vblank (FlipQueue keeps it). */
	if (ret == -EBUSY && modesetDone_)
		return ret;
	if (ret < 0) {
		std::string what = describe() + ": " + (modesetDone_ ? "page flip" : "modeset") +
				   " commit of buffer " + std::to_string(buffer.index);
		auto exporter = exporters_.find(key);
		if (exporter != exporters_.end() && !exporter->second.empty())
			what += " (a " + exporter->second + " dma-buf)";
		return noteError(ret, what);
	}
	modesetDone_ = true;
	busyVblanks_ = 0;
	return 0;
}

/*
 * A commit answered EBUSY: ask for the next vblank's event and commit the
 * waiting frame then. A display that stays busy ends the stream.
 */
void KmsSink::retryAtNextVblank()
{
	if (++busyVblanks_ > kMaxBusyVblanks) {
		flips_.dropPending();
		fatal_ = -EBUSY;
		noteError(-EBUSY, describe() + ": page flip commits on CRTC " +
					  std::to_string(output_->crtc().id) + " stayed busy for " +
					  std::to_string(kMaxBusyVblanks) +
					  " vblanks: another commit on it never finished");
		return;
	}
	drmVBlank vblank = {};
	vblank.request.type = static_cast<drmVBlankSeqType>(
		DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT |
		((output_->crtc().index << DRM_VBLANK_HIGH_CRTC_SHIFT) &
		 DRM_VBLANK_HIGH_CRTC_MASK));
	vblank.request.sequence = 1;
	vblank.request.signal = reinterpret_cast<unsigned long>(this);
	if (drmWaitVBlank(card_.fd(), &vblank) < 0) {
		int err = errno;
		flips_.dropPending();
		fatal_ = -err;
		noteError(-err, describe() + ": DRM_IOCTL_WAIT_VBLANK on CRTC " +
					std::to_string(output_->crtc().id) +
					" to retry a commit the display refused as busy");
	}
}

void KmsSink::vblankHandler(int, unsigned int, unsigned int, unsigned int, void *data)
{
	auto *sink = static_cast<KmsSink *>(data);
	/* An event asked for before stop() arrives after it: nothing is due. */
	if (sink->started_ && sink->flips_.retry() == -EBUSY)
		sink->retryAtNextVblank();
}

int KmsSink::consume(FrameRef frame)
{
	if (!started_)
		return -EINVAL;
	if (fatal_)
		return fatal_;
	int ret = flips_.push(std::move(frame));
	if (ret == -EBUSY)
		retryAtNextVblank();
	else if (ret < 0 && fatalCommitError(-ret))
		return ret;
	return fatal_;
}

void KmsSink::pageFlipHandler(int, unsigned int, unsigned int sec, unsigned int usec, unsigned int,
			      void *data)
{
	static_cast<KmsSink *>(data)->onFlip(sec, usec);
}

void KmsSink::onFlip(unsigned int sec, unsigned int usec)
{
	int64_t ns = int64_t{sec} * 1000000000 + int64_t{usec} * 1000;
	/*
	 * The event of the commit that switches the CRTC on carries the time
	 * of the last vblank before it was on (0 after boot, seconds old
	 * later: measured on vkms, Linux 6.1), as the CRTC has no vblank
	 * timestamp of its own yet. A flip cannot have happened before its
	 * commit: such a time, or one on another clock, is replaced by the
	 * event's arrival, the closest bound primecam has.
	 */
	if (!monotonic_ || ns < lastCommitNs_)
		ns = monotonicNowNs();
	if (flips_.flipped(ns) == -EBUSY)
		retryAtNextVblank();
}

void KmsSink::onCardEvent(uint32_t events)
{
	if (events & (EPOLLERR | EPOLLHUP)) {
		noteError(-ENODEV, card_.describe() + " reported an error or hang-up");
		cardWatch_.reset();
		return;
	}
	drmEventContext ctx = {};
	ctx.version = 3; /* the first version with page_flip_handler2 */
	ctx.page_flip_handler2 = &KmsSink::pageFlipHandler;
	ctx.vblank_handler = &KmsSink::vblankHandler;
	if (drmHandleEvent(card_.fd(), &ctx) < 0)
		noteError(-(errno ? errno : EIO), "reading events of " + card_.describe());
}

bool KmsSink::waitIdle(std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (flips_.inFlight()) {
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
			deadline - std::chrono::steady_clock::now());
		if (left.count() <= 0)
			return false;
		struct pollfd pfd = {card_.fd(), POLLIN, 0};
		int n = ::poll(&pfd, 1, static_cast<int>(left.count()) + 1);
		if (n < 0 && errno != EINTR)
			return false;
		if (n > 0)
			onCardEvent(static_cast<uint32_t>(pfd.revents));
	}
	return true;
}

void KmsSink::stop()
{
	if (!started_) {
		flips_.clear();
		return;
	}
	/* No new commit may start while waiting for the one in flight. */
	flips_.dropPending();
	if (!waitIdle(kFlipTimeout))
		noteError(-ETIMEDOUT, describe() + ": no page-flip event within " +
					      std::to_string(kFlipTimeout.count()) + " ms");
	if (modesetDone_) {
		/* Blocking: when it returns, no plane scans out our buffers any
		 * more, and they may go back to the source. */
		request_.clear();
		int ret = output_->addOff(request_);
		if (ret == 0)
			ret = request_.commit(card_.fd(), DRM_MODE_ATOMIC_ALLOW_MODESET);
		request_.clear();
		if (ret < 0)
			noteError(ret, describe() + ": switching the output off");
		modesetDone_ = false;
	}
	flips_.clear();
	cardWatch_.reset();
	flips_.setStats(nullptr);
	started_ = false;
}

Result<Image> KmsSink::captureWriteback()
{
	if (!configured_)
		return Error{EINVAL, describe() + ": captureWriteback() before configure()"};
	if (!modesetDone_)
		return Error{EAGAIN, describe() + ": nothing on screen yet (no frame committed)"};
	if (!waitIdle(kFlipTimeout))
		return Error{EBUSY, describe() + ": a page flip is still in flight after " +
					    std::to_string(kFlipTimeout.count()) + " ms"};
	if (!writeback_) {
		auto wb = Writeback::create(card_, *resources_, output_->crtc(),
					    output_->connector(), output_->mode());
		if (!wb)
			return std::move(wb).error();
		writeback_ = std::move(*wb);
	}
	return writeback_->capture(request_, kWritebackTimeout);
}

} /* namespace primecam */
