/* SPDX-License-Identifier: MIT */
#include "drm/kms_display.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <drm_fourcc.h>
#include <poll.h>
#include <xf86drm.h>

#include "base/event_loop.h"
#include "pipeline/stats.h"

namespace primecam {

namespace {

/* A CRTC busy for this many vblanks in a row (about a second at 60 Hz) has
 * a commit that will not finish: another client's, or a hung driver. */
constexpr unsigned kMaxBusyVblanks = 60;

template<typename T>
void erase(std::vector<T> &list, const T &value)
{
	list.erase(std::remove(list.begin(), list.end(), value), list.end());
}

bool contains(const std::vector<KmsDisplay::Client *> &list, const KmsDisplay::Client *client)
{
	return std::find(list.begin(), list.end(), client) != list.end();
}

} /* namespace */

KmsDisplay::KmsDisplay(std::string card) : cardName_(std::move(card))
{}

KmsDisplay::~KmsDisplay()
{
	close();
}

std::string KmsDisplay::describe() const
{
	return (card_.fd() >= 0) ? card_.describe() : cardName_;
}

void KmsDisplay::close()
{
	/* Framebuffers before the handles they hold, all before the card. */
	cardWatch_.reset();
	writeback_.reset();
	backgroundFb_.reset();
	background_.reset();
	modeBlob_.reset();
	handles_.reset();
	resources_.reset();
	card_ = Card();
	joined_.clear();
	firstFbs_.clear();
	started_.clear();
	shown_.clear();
	staged_.clear();
	inFlight_.clear();
	modesetDone_ = false;
	retryDue_ = false;
	held_ = false;
	busyVblanks_ = 0;
	fatal_ = 0;
	error_.reset();
}

Result<void> KmsDisplay::open()
{
	if ((card_.fd() >= 0))
		return {};
	auto card = Card::openByName(cardName_, Card::Role::Display);
	if (!card)
		return std::move(card).error();
	card_ = std::move(*card);

	/* Writeback connectors need their own client cap, which kernels
	 * before 4.19 lack; the display then works without
	 * captureWriteback(). */
	if (!card_.enableAtomic(true)) {
		Result<void> ret = card_.enableAtomic(false);
		if (!ret) {
			close();
			return Error{ret.error().code,
				     ret.error().message + ": primecam needs atomic modesetting"};
		}
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
	if (!res) {
		close();
		return std::move(res).error();
	}
	resources_ = std::move(*res);
	handles_ = std::make_unique<GemHandleTable>(card_.fd(), card_.describe());
	return {};
}

uint32_t KmsDisplay::firstFb(const Client *client) const
{
	for (const Staged &s : firstFbs_)
		if (s.client == client)
			return s.fb;
	return 0;
}

std::vector<uint32_t> KmsDisplay::joinedPlanes() const
{
	std::vector<uint32_t> planes;
	for (const Client *client : joined_)
		planes.push_back(client->kmsOutput().plane().id);
	return planes;
}

std::optional<KmsOutput::Sharing> KmsDisplay::sharing() const
{
	if (!lead())
		return std::nullopt;
	const KmsOutput &output = leadOutput();
	KmsOutput::Sharing sharing;
	sharing.connectorId = output.connector().id;
	sharing.crtcId = output.crtc().id;
	sharing.mode = output.mode();
	sharing.takenPlanes = joinedPlanes();
	sharing.sinks = std::max(attached_, joined_.size() + 1);
	return sharing;
}

bool KmsDisplay::needsBackground() const
{
	if (!lead() || !leadOutput().background())
		return false;
	const KmsPlane &primary = *leadOutput().background();
	for (const Client *client : joined_)
		if (client->kmsOutput().plane().id == primary.id)
			return false;
	return true;
}

Result<void> KmsDisplay::makeBackground()
{
	if (backgroundFb_.id())
		return {};
	const drmModeModeInfo &mode = leadOutput().mode();
	auto bg = DumbBuffer::create(card_, mode.hdisplay, mode.vdisplay, 32);
	if (!bg)
		return std::move(bg).error();
	background_ = std::move(*bg);
	/* Fresh dumb buffers are zeroed by the kernel (shmem pages), but that
	 * is not a documented promise of every driver: black is written
	 * explicitly, once. */
	auto map = background_.map(Mapping::Write);
	if (!map)
		return std::move(map).error();
	std::memset(map->data().data(), 0, map->size());
	auto fb =
		Framebuffer::wrap(card_.fd(), background_.handle(), DRM_FORMAT_XRGB8888,
				  mode.hdisplay, mode.vdisplay, background_.pitch(),
				  "the black background under the overlays on " + card_.describe());
	if (!fb)
		return std::move(fb).error();
	backgroundFb_ = std::move(*fb);
	return {};
}

int KmsDisplay::addComposition(AtomicRequest &request, const std::vector<Staged> &planes) const
{
	const std::vector<uint32_t> keep = joinedPlanes();
	int ret = leadOutput().addCrtc(request, modeBlob_.id(), keep);
	if (ret == 0 && needsBackground())
		ret = leadOutput().addBackground(request, backgroundFb_.id());
	for (const Staged &plane : planes)
		if (ret == 0)
			ret = plane.client->kmsOutput().addPlaneState(request, plane.fb);
	return ret;
}

Result<void> KmsDisplay::testComposition(const std::vector<Staged> &planes, Client &client)
{
	const Staged *own = nullptr;
	for (const Staged &plane : planes)
		if (plane.client == &client)
			own = &plane;
	/* Alone, the sink's own test says best what its plane refused. */
	if (planes.size() == 1 || !own)
		return client.kmsOutput().test(card_.fd(), request_, modeBlob_.id(), own->fb,
					       needsBackground() ? backgroundFb_.id() : 0);
	request_.clear();
	int ret = addComposition(request_, planes);
	if (ret == 0)
		ret = request_.commit(card_.fd(),
				      DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET);
	request_.clear();
	if (ret == 0)
		return {};
	std::string together;
	for (const Staged &plane : planes)
		together += (together.empty() ? "" : "; ") + plane.client->describe() + " at " +
			    plane.client->kmsOutput().rect().describe();
	Error error = Error::fromErrno(
		-ret, describe() + " refused its " + std::to_string(planes.size()) +
			      " planes together (TEST_ONLY commit): " + together);
	return error;
}

Result<void> KmsDisplay::join(Client &client, const std::vector<uint32_t> &fbs)
{
	if (fbs.empty())
		return Error{EINVAL, client.describe() + ": no framebuffer to show"};
	const bool first = joined_.empty();
	joined_.push_back(&client);
	/* The card stays open: the sink still holds framebuffers on it, and
	 * its leave() closes the card once they are gone. */
	auto fail = [&](Error error) -> Result<void> {
		erase(joined_, &client);
		return error;
	};

	if (first) {
		const drmModeModeInfo &mode = client.kmsOutput().mode();
		auto blob =
			PropertyBlob::create(card_.fd(), &mode, sizeof(mode),
					     "mode " + modeName(mode) + " on " + card_.describe());
		if (!blob)
			return fail(std::move(blob).error());
		modeBlob_ = std::move(*blob);
	}
	if (needsBackground()) {
		Result<void> bg = makeBackground();
		if (!bg)
			return fail(std::move(bg).error());
	}

	/* The others with the framebuffer they show first, this one with each
	 * of its own in turn: their offsets and strides differ, and an
	 * unusable one should fail now, not mid-stream. */
	std::vector<Staged> planes;
	for (Client *other : joined_)
		if (other != &client)
			planes.push_back({other, firstFb(other)});
	planes.push_back({&client, 0});
	for (uint32_t fb : fbs) {
		planes.back().fb = fb;
		Result<void> tested = testComposition(planes, client);
		if (!tested)
			return fail(std::move(tested).error());
	}
	firstFbs_.push_back({&client, fbs.front()});
	return {};
}

void KmsDisplay::leave(Client &client)
{
	erase(joined_, &client);
	erase(started_, &client);
	erase(shown_, &client);
	erase(inFlight_, &client);
	std::erase_if(staged_, [&](const Staged &s) { return s.client == &client; });
	std::erase_if(firstFbs_, [&](const Staged &s) { return s.client == &client; });
	if (joined_.empty())
		close();
}

Result<void> KmsDisplay::start(EventLoop &loop, Client &client)
{
	if (!contains(joined_, &client))
		return Error{EINVAL, client.describe() + ": start() before joining the display"};
	if (!cardWatch_.isActive()) {
		int ret = cardWatch_.watch(loop, card_.fd(), EPOLLIN,
					   [this](uint32_t events) { onCardEvent(events); });
		if (ret < 0)
			return Error::fromErrno(-ret,
						"watching " + card_.describe() + " for page flips");
	}
	if (!contains(started_, &client))
		started_.push_back(&client);
	if (started_.size() == 1) {
		fatal_ = 0;
		error_.reset();
		busyVblanks_ = 0;
	}
	return {};
}

int KmsDisplay::stage(Client &client, uint32_t fb)
{
	if (fatal_)
		return fatal_;
	auto it = std::find_if(staged_.begin(), staged_.end(),
			       [&](const Staged &s) { return s.client == &client; });
	if (it != staged_.end())
		it->fb = fb;
	else
		staged_.push_back({&client, fb});
	if (collecting_ || held_ || retryDue_ || inFlight())
		return 0;
	return commitStaged(&client);
}

int KmsDisplay::commitStaged(Client *except)
{
	if (staged_.empty())
		return 0;
	request_.clear();
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	int ret = 0;
	if (!modesetDone_) {
		/* The first commit sets the whole state, whatever an earlier
		 * client left: the state the TEST_ONLY commits checked. */
		ret = leadOutput().addCrtc(request_, modeBlob_.id(), joinedPlanes());
		if (ret == 0 && needsBackground())
			ret = leadOutput().addBackground(request_, backgroundFb_.id());
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	for (const Staged &plane : staged_) {
		if (ret < 0)
			break;
		/* A plane's first frame since the modeset brings its whole
		 * state; later ones change only FB_ID. */
		ret = contains(shown_, plane.client)
			      ? plane.client->kmsOutput().addFlip(request_, plane.fb)
			      : plane.client->kmsOutput().addPlaneState(request_, plane.fb);
	}
	if (inFlight())
		++counters_.overlapping;
	lastCommitNs_ = monotonicNowNs();
	if (ret == 0)
		ret = request_.commit(card_.fd(), flags, reinterpret_cast<uintptr_t>(this));

	if (ret == -EBUSY && modesetDone_) {
		/* Another client's commit is still pending on the CRTC: not
		 * these frames' failure; they go out at the next vblank. */
		++counters_.busy;
		for (const Staged &plane : staged_)
			plane.client->commitDeferred();
		retryAtNextVblank();
		return 0;
	}
	if (ret < 0) {
		std::vector<Staged> failed = std::move(staged_);
		staged_.clear();
		if (fatalCommitError(-ret))
			fatal_ = ret;
		std::string what = std::string(modesetDone_ ? "page flip" : "modeset") +
				   " commit on " + describe();
		for (const Staged &plane : failed)
			if (plane.client != except)
				plane.client->commitFailed(ret, what);
		return ret;
	}

	++counters_.commits;
	counters_.planeUpdates += staged_.size();
	counters_.maxPlanesPerCommit =
		std::max<uint64_t>(counters_.maxPlanesPerCommit, staged_.size());
	for (const Staged &plane : staged_) {
		inFlight_.push_back(plane.client);
		if (!contains(shown_, plane.client))
			shown_.push_back(plane.client);
	}
	staged_.clear();
	modesetDone_ = true;
	busyVblanks_ = 0;
	return 0;
}

/*
 * A commit answered EBUSY: ask for the next vblank's event and commit the
 * staged planes then. A display that stays busy ends every sink's stream.
 */
void KmsDisplay::retryAtNextVblank()
{
	auto giveUp = [&](int err, const std::string &what) {
		fatal_ = -err;
		error_ = Error::fromErrno(err, what);
		std::vector<Staged> failed = std::move(staged_);
		staged_.clear();
		for (const Staged &plane : failed)
			plane.client->commitFailed(-err, what);
	};
	const std::string crtc = "CRTC " + std::to_string(leadOutput().crtc().id);
	if (++busyVblanks_ > kMaxBusyVblanks) {
		giveUp(EBUSY, "page flip commits on " + crtc + " stayed busy for " +
				      std::to_string(kMaxBusyVblanks) +
				      " vblanks: another commit on it never finished");
		return;
	}
	drmVBlank vblank = {};
	vblank.request.type = static_cast<drmVBlankSeqType>(
		DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT |
		((leadOutput().crtc().index << DRM_VBLANK_HIGH_CRTC_SHIFT) &
		 DRM_VBLANK_HIGH_CRTC_MASK));
	vblank.request.sequence = 1;
	vblank.request.signal = reinterpret_cast<unsigned long>(this);
	if (drmWaitVBlank(card_.fd(), &vblank) < 0) {
		giveUp(errno, "DRM_IOCTL_WAIT_VBLANK on " + crtc +
				      " to retry a commit the display refused as busy");
		return;
	}
	retryDue_ = true;
}

void KmsDisplay::vblankHandler(int, unsigned int, unsigned int, unsigned int, void *data)
{
	static_cast<KmsDisplay *>(data)->onVblank();
}

void KmsDisplay::onVblank()
{
	retryDue_ = false;
	/* An event asked for before the last sink stopped arrives after it:
	 * nothing is due. */
	if (!started_.empty() && !held_ && !inFlight())
		commitStaged(nullptr);
}

void KmsDisplay::pageFlipHandler(int, unsigned int, unsigned int sec, unsigned int usec,
				 unsigned int, void *data)
{
	static_cast<KmsDisplay *>(data)->onFlip(sec, usec);
}

void KmsDisplay::onFlip(unsigned int sec, unsigned int usec)
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
	/* Each sink in the commit releases the frame it replaced and stages
	 * its next one; what they staged goes out in one commit. */
	std::vector<Client *> flipped = std::move(inFlight_);
	inFlight_.clear();
	collecting_ = true;
	for (Client *client : flipped)
		client->flipped(ns);
	collecting_ = false;
	if (!held_ && !retryDue_)
		commitStaged(nullptr);
}

void KmsDisplay::onCardEvent(uint32_t events)
{
	if (events & (EPOLLERR | EPOLLHUP)) {
		fatal_ = -ENODEV;
		error_ = Error{ENODEV, card_.describe() + " reported an error or hang-up"};
		cardWatch_.reset();
		return;
	}
	drmEventContext ctx = {};
	ctx.version = 3; /* the first version with page_flip_handler2 */
	ctx.page_flip_handler2 = &KmsDisplay::pageFlipHandler;
	ctx.vblank_handler = &KmsDisplay::vblankHandler;
	if (drmHandleEvent(card_.fd(), &ctx) < 0) {
		int err = errno ? errno : EIO;
		error_ = Error::fromErrno(err, "reading events of " + card_.describe());
	}
}

bool KmsDisplay::waitIdle(std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (inFlight()) {
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

Result<void> KmsDisplay::stop(Client &client, std::chrono::milliseconds timeout)
{
	std::erase_if(staged_, [&](const Staged &s) { return s.client == &client; });
	if (!contains(started_, &client))
		return {};
	std::optional<Error> error;
	/* No new commit may start while waiting for the one in flight. */
	held_ = true;
	if (!waitIdle(timeout))
		error = Error{ETIMEDOUT, client.describe() + ": no page-flip event within " +
						 std::to_string(timeout.count()) + " ms"};
	erase(inFlight_, &client);

	const bool last = started_.size() == 1;
	if (modesetDone_ && (last || contains(shown_, &client))) {
		/* Blocking: when it returns, no plane scans out this sink's
		 * buffers any more, and they may go back to its source. The
		 * last sink switches the whole output off. */
		request_.clear();
		int ret = last ? leadOutput().addOff(request_) : 0;
		if (ret == 0 && (!last || &client != lead()))
			ret = client.kmsOutput().addPlaneOff(request_);
		if (ret == 0)
			ret = request_.commit(card_.fd(), last ? DRM_MODE_ATOMIC_ALLOW_MODESET : 0);
		request_.clear();
		if (ret < 0 && !error)
			error = Error::fromErrno(
				-ret, client.describe() + (last ? ": switching the output off"
								: ": switching its plane off"));
	}
	erase(shown_, &client);
	erase(started_, &client);
	if (last) {
		modesetDone_ = false;
		shown_.clear();
		cardWatch_.reset();
		retryDue_ = false;
	}
	resume();
	if (error)
		return *error;
	return {};
}

void KmsDisplay::resume()
{
	held_ = false;
	if (!started_.empty() && !inFlight() && !retryDue_)
		commitStaged(nullptr);
}

Result<Image> KmsDisplay::captureWriteback(std::chrono::milliseconds flipTimeout,
					   std::chrono::milliseconds writebackTimeout)
{
	if (!lead())
		return Error{EINVAL, describe() + ": captureWriteback() with no sink configured"};
	held_ = true;
	Result<Image> image = [&]() -> Result<Image> {
		if (!waitIdle(flipTimeout))
			return Error{EBUSY, describe() + ": a page flip is still in flight after " +
						    std::to_string(flipTimeout.count()) + " ms"};
		if (!writeback_) {
			const KmsOutput &output = leadOutput();
			auto wb = Writeback::create(card_, *resources_, output.crtc(),
						    output.connector(), output.mode());
			if (!wb)
				return std::move(wb).error();
			writeback_ = std::move(*wb);
		}
		return writeback_->capture(request_, writebackTimeout);
	}();
	resume();
	return image;
}

} /* namespace primecam */
