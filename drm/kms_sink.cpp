/* SPDX-License-Identifier: MIT */
#include "drm/kms_sink.h"

#include <cerrno>

#include "base/dma_buf.h"
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

} /* namespace */

KmsSink::KmsSink(KmsSinkConfig config, std::shared_ptr<KmsDisplay> display)
	: config_(std::move(config)),
	  display_(display ? std::move(display) : std::make_shared<KmsDisplay>(config_.card)),
	  flips_([this](const FrameRef &frame) { return commitFrame(frame); })
{}

KmsSink::~KmsSink()
{
	stop();
	teardown();
}

std::string KmsSink::describe() const
{
	if (!output_ || !display_->isOpen())
		return "kms " + config_.card;
	return "kms " + display_->card().driver() + "/" + output_->describe();
}

void KmsSink::teardown()
{
	/* Framebuffers before the display (which may close the card when
	 * this was its last sink); the output until the display let go. */
	framebuffers_.clear();
	exporters_.clear();
	display_->leave(*this);
	output_.reset();
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

	Result<void> opened = display_->open();
	if (!opened)
		return opened;
	const Card &card = display_->card();
	const std::string cardName = card.describe();

	for (const FrameBuffer &buffer : buffers) {
		std::string exporter = dmaBufExporter(buffer.planes[0].fd);
		/* Imported fine, refused at the first real commit: say so now. */
		if (auto why = importRefusal(card.driver(), PoolConsumer::KmsScanout, exporter))
			return Error{EINVAL, cardName + " cannot scan out buffer " +
						     std::to_string(buffer.index) + " (a " +
						     exporter + " dma-buf): " + *why};
		exporters_[BufferKey::of(buffer)] = exporter;
	}

	KmsOutput::FrameFormat frame{first.format, first.planes[0].modifier, first.width,
				     first.height, first.encoding};
	std::optional<KmsOutput::Sharing> sharing = display_->sharing();
	auto output = KmsOutput::select(display_->resources(), config_, frame, cardName,
					sharing ? &*sharing : nullptr);
	if (!output)
		return std::move(output).error();
	output_ = std::move(*output);

	std::vector<uint32_t> fbs;
	for (const FrameBuffer &buffer : buffers) {
		BufferKey key = BufferKey::of(buffer);
		if (framebuffers_.count(key))
			continue;
		auto fb = Framebuffer::import(card.fd(), display_->handles(), buffer,
					      display_->modifiers(), cardName);
		if (!fb)
			return std::move(fb).error();
		fbs.push_back(fb->id());
		framebuffers_.emplace(key, std::move(*fb));
	}
	Result<void> joined = display_->join(*this, fbs);
	if (joined || !scalingAdvisor_ || !output_->scales())
		return joined;
	const ScreenRect &from = output_->crop();
	const ScreenRect &to = output_->rect();
	ScalingNeed need{first.format, from.width, from.height,
			 to.width,     to.height,  output_->plane().formats};
	Error error = std::move(joined).error();
	error.message += ". " + scalingAdvisor_(need);
	return error;
}

Result<void> KmsSink::start(EventLoop &loop, SinkStats &stats)
{
	if (!configured_)
		return Error{EINVAL, describe() + ": start() before configure()"};
	if (started_)
		return {};
	Result<void> ret = display_->start(loop, *this);
	if (!ret)
		return ret;
	flips_.setStats(&stats);
	stats_ = &stats;
	started_ = true;
	fatal_ = 0;
	lastError_.reset();
	return {};
}

int KmsSink::noteError(int ret, const std::string &what)
{
	lastError_ = Error::fromErrno(-ret, what);
	if (KmsDisplay::fatalCommitError(-ret))
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

	const bool modeset = !display_->modesetDone();
	int ret = display_->stage(*this, it->second.id());
	if (ret < 0) {
		std::string what = describe() + ": " + (modeset ? "modeset" : "page flip") +
				   " commit of buffer " + std::to_string(buffer.index);
		auto exporter = exporters_.find(key);
		if (exporter != exporters_.end() && !exporter->second.empty())
			what += " (a " + exporter->second + " dma-buf)";
		return noteError(ret, what);
	}
	return 0;
}

void KmsSink::flipped(int64_t timestampNs)
{
	/* A failed commit of the frame that waited is counted by the queue
	 * and noted by commitFrame(). */
	flips_.flipped(timestampNs);
	if (queueMoved_)
		queueMoved_(timestampNs);
}

void KmsSink::commitDeferred()
{
	if (stats_)
		++stats_->busyRetries;
}

void KmsSink::commitFailed(int err, const std::string &what)
{
	noteError(err, describe() + ": " + what);
	flips_.queuedFailed();
	if (queueMoved_)
		queueMoved_(std::nullopt);
}

int KmsSink::consume(FrameRef frame)
{
	if (!started_)
		return -EINVAL;
	if (!fatal_ && display_->fatal() && display_->error())
		noteError(display_->fatal(), display_->error()->message);
	if (fatal_)
		return fatal_;
	int ret = flips_.push(std::move(frame));
	if (ret < 0 && KmsDisplay::fatalCommitError(-ret))
		return ret;
	return fatal_;
}

void KmsSink::stop()
{
	if (!started_) {
		flips_.clear();
		return;
	}
	/* No new commit may start while waiting for the one in flight. */
	flips_.dropPending();
	Result<void> stopped = display_->stop(*this, kFlipTimeout);
	if (!stopped)
		noteError(-stopped.error().code, stopped.error().message);
	flips_.clear();
	flips_.setStats(nullptr);
	stats_ = nullptr;
	started_ = false;
}

Result<Image> KmsSink::captureWriteback()
{
	if (!configured_)
		return Error{EINVAL, describe() + ": captureWriteback() before configure()"};
	if (!display_->modesetDone())
		return Error{EAGAIN, describe() + ": nothing on screen yet (no frame committed)"};
	return display_->captureWriteback(kFlipTimeout, kWritebackTimeout);
}

} /* namespace primecam */
