/* SPDX-License-Identifier: MIT */
#include "base/event_loop.h"

#include <cerrno>
#include <ctime>
#include <utility>

#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace primecam {

namespace {

timespec toTimespec(std::chrono::nanoseconds ns)
{
	timespec ts{};
	ts.tv_sec = static_cast<time_t>(ns.count() / 1000000000);
	ts.tv_nsec = static_cast<long>(ns.count() % 1000000000);
	return ts;
}

} /* namespace */

Result<std::unique_ptr<EventLoop>> EventLoop::create()
{
	UniqueFd epollFd(::epoll_create1(EPOLL_CLOEXEC));
	if (!epollFd)
		return Error::fromErrno(errno, "event loop: epoll_create1");

	/* Non-blocking so the loop's drain read never blocks when another
	 * round already consumed the count. */
	UniqueFd wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	if (!wakeFd)
		return Error::fromErrno(errno, "event loop: eventfd");

	std::unique_ptr<EventLoop> loop(new EventLoop(std::move(epollFd), std::move(wakeFd)));

	uint64_t id = loop->nextId_++;
	int ret = loop->registerFd(loop->wakeFd_.get(), EPOLLIN, id);
	if (ret < 0)
		return Error::fromErrno(-ret, "event loop: epoll_ctl(ADD) of the wake eventfd");
	loop->sources_.emplace(
		id, Registration{Registration::Kind::Wake, loop->wakeFd_.get(), {}, false, {}, {}});

	return loop;
}

EventLoop::EventLoop(UniqueFd epollFd, UniqueFd wakeFd)
	: epollFd_(std::move(epollFd)), wakeFd_(std::move(wakeFd)), events_{}
{
	sigemptyset(&signalMask_);
}

EventLoop::~EventLoop()
{
	while (!signals_.empty())
		removeSignal(signals_.begin()->first);
	/* The UniqueFds (epoll, eventfd, signalfd, timerfds) close here;
	 * closing the epoll fd drops all its registrations with it. */
}

int EventLoop::registerFd(int fd, uint32_t events, uint64_t id)
{
	epoll_event ev{};
	ev.events = events;
	ev.data.u64 = id;
	if (::epoll_ctl(epollFd_.get(), EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

/*
 * fd was just returned by the kernel for a new file, so if a user fd with
 * the same number is still on record, its owner closed it without
 * removeFd(). close() already dropped that epoll registration (epoll removes
 * a file when its last reference goes), so only the bookkeeping is stale;
 * an EPOLL_CTL_DEL now would hit the new file instead.
 */
void EventLoop::forgetStaleFd(int fd)
{
	auto it = userFds_.find(fd);
	if (it == userFds_.end())
		return;
	sources_.erase(it->second);
	userFds_.erase(it);
}

void EventLoop::removeSource(uint64_t id)
{
	auto it = sources_.find(id);
	if (it == sources_.end())
		return;

	/*
	 * Errors are ignored: EBADF/ENOENT mean the fd was closed first, which
	 * already removed the registration. The entry goes in any case, so a
	 * pending event for id in the current batch finds nothing.
	 */
	::epoll_ctl(epollFd_.get(), EPOLL_CTL_DEL, it->second.fd, nullptr);

	if (it->second.kind == Registration::Kind::Fd) {
		auto fdIt = userFds_.find(it->second.fd);
		if (fdIt != userFds_.end() && fdIt->second == id)
			userFds_.erase(fdIt);
	}
	/* A running callback holds its own shared_ptr and survives this. */
	sources_.erase(it);
}

int EventLoop::addFd(int fd, uint32_t events, FdCallback cb)
{
	if (fd < 0)
		return -EBADF;
	if (!cb)
		return -EINVAL;

	/*
	 * The kernel decides whether fd is already registered: it keys
	 * registrations by (file, fd number) and returns EEXIST for a second
	 * one. If it accepts a number that is still on record, the old file
	 * was closed without removeFd() and the number now names a new file.
	 */
	uint64_t id = nextId_++;
	int ret = registerFd(fd, events, id);
	if (ret < 0)
		return ret;

	forgetStaleFd(fd);
	sources_.emplace(id, Registration{Registration::Kind::Fd,
					  fd,
					  {},
					  false,
					  std::make_shared<FdCallback>(std::move(cb)),
					  {}});
	userFds_[fd] = id;
	return 0;
}

int EventLoop::modifyFd(int fd, uint32_t events)
{
	auto it = userFds_.find(fd);
	if (it == userFds_.end())
		return -ENOENT;

	epoll_event ev{};
	ev.events = events;
	ev.data.u64 = it->second;
	if (::epoll_ctl(epollFd_.get(), EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

void EventLoop::removeFd(int fd)
{
	auto it = userFds_.find(fd);
	if (it == userFds_.end())
		return;
	removeSource(it->second);
}

Result<EventLoop::TimerId> EventLoop::addTimer(std::chrono::nanoseconds first,
					       std::chrono::nanoseconds interval, TimerCallback cb)
{
	if (first.count() < 0 || interval.count() < 0)
		return Error{EINVAL, "event loop: negative timer time"};
	if (!cb)
		return Error{EINVAL, "event loop: empty timer callback"};

	/* Non-blocking: a read after the expiration was consumed (or after
	 * the timer was re-armed) must return EAGAIN, not block the loop. */
	UniqueFd tfd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
	if (!tfd)
		return Error::fromErrno(errno, "event loop: timerfd_create(CLOCK_MONOTONIC)");
	forgetStaleFd(tfd.get());

	itimerspec spec{};
	spec.it_value = toTimespec(first);
	/* An all-zero it_value disarms a timerfd; "now" is the next nanosecond. */
	if (first.count() == 0)
		spec.it_value.tv_nsec = 1;
	spec.it_interval = toTimespec(interval);
	if (::timerfd_settime(tfd.get(), 0, &spec, nullptr) < 0)
		return Error::fromErrno(errno, "event loop: timerfd_settime");

	uint64_t id = nextId_++;
	int ret = registerFd(tfd.get(), EPOLLIN, id);
	if (ret < 0)
		return Error::fromErrno(-ret, "event loop: epoll_ctl(ADD) of a timerfd");

	int raw = tfd.get();
	sources_.emplace(id, Registration{Registration::Kind::Timer,
					  raw,
					  std::move(tfd),
					  interval.count() != 0,
					  {},
					  std::make_shared<TimerCallback>(std::move(cb))});
	return id;
}

void EventLoop::cancelTimer(TimerId id)
{
	auto it = sources_.find(id);
	/* Ids are shared with fd registrations: never let a stray id remove
	 * something that is not a timer. */
	if (it == sources_.end() || it->second.kind != Registration::Kind::Timer)
		return;
	removeSource(id);
}

int EventLoop::addSignal(int signo, SignalCallback cb)
{
	if (!cb)
		return -EINVAL;
	if (signals_.count(signo))
		return -EEXIST;

	sigset_t one;
	sigemptyset(&one);
	/* glibc's sigaddset() rejects out-of-range numbers and the signals
	 * it uses itself (thread cancellation, setxid). */
	if (sigaddset(&one, signo) < 0)
		return -EINVAL;
	/* pthread_sigmask() silently ignores these two: they cannot be
	 * blocked, so a signalfd could never receive them. */
	if (signo == SIGKILL || signo == SIGSTOP)
		return -EINVAL;

	sigset_t old;
	int ret = ::pthread_sigmask(SIG_BLOCK, &one, &old);
	if (ret != 0)
		return -ret;
	bool wasBlocked = sigismember(&old, signo) == 1;

	sigset_t mask = signalMask_;
	sigaddset(&mask, signo);

	if (!signalFd_) {
		UniqueFd sfd(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
		if (!sfd) {
			ret = -errno;
			restoreSignal(signo, wasBlocked);
			return ret;
		}
		forgetStaleFd(sfd.get());
		uint64_t id = nextId_++;
		ret = registerFd(sfd.get(), EPOLLIN, id);
		if (ret < 0) {
			restoreSignal(signo, wasBlocked);
			return ret;
		}
		sources_.emplace(
			id, Registration{Registration::Kind::Signal, sfd.get(), {}, false, {}, {}});
		signalFd_ = std::move(sfd);
	} else if (::signalfd(signalFd_.get(), &mask, 0) < 0) {
		ret = -errno;
		restoreSignal(signo, wasBlocked);
		return ret;
	}

	signalMask_ = mask;
	signals_.emplace(signo,
			 SignalEntry{std::make_shared<SignalCallback>(std::move(cb)), wasBlocked});
	return 0;
}

void EventLoop::removeSignal(int signo)
{
	auto it = signals_.find(signo);
	if (it == signals_.end())
		return;
	bool wasBlocked = it->second.wasBlocked;
	signals_.erase(it);

	sigdelset(&signalMask_, signo);
	/* The signalfd stays open (possibly with an empty mask) until the
	 * loop goes: a dispatch of it may be on the stack right now. */
	::signalfd(signalFd_.get(), &signalMask_, 0);

	restoreSignal(signo, wasBlocked);
}

void EventLoop::restoreSignal(int signo, bool wasBlocked)
{
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, signo);

	/* Discard what is pending (see removeSignal() in the header) while the
	 * signal is still blocked: sigtimedwait() with a zero timeout takes
	 * one pending instance per call (real-time signals queue several). */
	const timespec zero{};
	for (;;) {
		int ret = ::sigtimedwait(&one, nullptr, &zero);
		if (ret == signo || (ret < 0 && errno == EINTR))
			continue;
		break;
	}

	if (!wasBlocked)
		::pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
}

void EventLoop::post(std::function<void()> fn)
{
	if (!fn)
		return;

	bool wasEmpty;
	{
		std::lock_guard<std::mutex> lock(postLock_);
		wasEmpty = pending_.empty();
		pending_.push_back(std::move(fn));
	}

	/*
	 * Only the post that makes the queue non-empty has to wake the loop:
	 * the loop drains the eventfd before it takes the queue, so a later
	 * post either lands in the queue it is about to take or finds it
	 * empty and writes itself. The eventfd counter cannot realistically
	 * overflow (EAGAIN at 2^64 - 2), so a failed write is not reported.
	 */
	if (wasEmpty) {
		const uint64_t one = 1;
		ssize_t ret;
		do {
			ret = ::write(wakeFd_.get(), &one, sizeof(one));
		} while (ret < 0 && errno == EINTR);
	}
}

int EventLoop::runPosted()
{
	uint64_t count;
	ssize_t ret;
	do {
		ret = ::read(wakeFd_.get(), &count, sizeof(count));
	} while (ret < 0 && errno == EINTR);

	{
		std::lock_guard<std::mutex> lock(postLock_);
		running_.swap(pending_);
	}

	int ran = 0;
	for (auto &fn : running_) {
		fn();
		ran++;
	}
	running_.clear();
	return ran;
}

int EventLoop::dispatchTimer(uint64_t id)
{
	auto it = sources_.find(id);
	Registration &source = it->second;

	/*
	 * Reading the expiration count re-arms readiness (a timerfd stays
	 * readable until read). EAGAIN means there is nothing to run now.
	 * A count above 1 means the loop fell behind; the callback still
	 * runs once, as bursts of catch-up callbacks help no pipeline.
	 */
	uint64_t expirations;
	ssize_t ret;
	do {
		ret = ::read(source.fd, &expirations, sizeof(expirations));
	} while (ret < 0 && errno == EINTR);
	if (ret != sizeof(expirations))
		return 0;

	std::shared_ptr<TimerCallback> cb = source.timerCallback;
	if (!source.periodic)
		removeSource(id);
	(*cb)();
	return 1;
}

int EventLoop::dispatchSignals()
{
	/* signalfd_siginfo is 128 bytes: a batch of 8 is 1 KiB of stack.
	 * More pending signals keep the fd readable for the next round. */
	std::array<signalfd_siginfo, 8> infos;
	ssize_t ret;
	do {
		ret = ::read(signalFd_.get(), infos.data(), sizeof(infos));
	} while (ret < 0 && errno == EINTR);
	if (ret <= 0)
		return 0;

	int ran = 0;
	size_t count = static_cast<size_t>(ret) / sizeof(signalfd_siginfo);
	for (size_t i = 0; i < count; i++) {
		auto it = signals_.find(static_cast<int>(infos[i].ssi_signo));
		/* Removed by an earlier callback of this round. */
		if (it == signals_.end())
			continue;
		std::shared_ptr<SignalCallback> cb = it->second.callback;
		(*cb)(infos[i]);
		ran++;
	}
	return ran;
}

int EventLoop::dispatch(int timeoutMs)
{
	if (dispatching_)
		return -EBUSY;

	int n = ::epoll_wait(epollFd_.get(), events_.data(), kMaxEvents, timeoutMs);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;

	dispatching_ = true;
	int ran = 0;
	for (int i = 0; i < n; i++) {
		/* epoll_event is packed on x86-64: copy the fields out. */
		uint64_t id = events_[i].data.u64;
		uint32_t events = events_[i].events;

		/* Removed by an earlier callback of this batch: skip it. */
		auto it = sources_.find(id);
		if (it == sources_.end())
			continue;

		switch (it->second.kind) {
		case Registration::Kind::Fd: {
			std::shared_ptr<FdCallback> cb = it->second.fdCallback;
			(*cb)(events);
			ran++;
			break;
		}
		case Registration::Kind::Timer:
			ran += dispatchTimer(id);
			break;
		case Registration::Kind::Signal:
			ran += dispatchSignals();
			break;
		case Registration::Kind::Wake:
			ran += runPosted();
			break;
		}
	}
	dispatching_ = false;
	return ran;
}

int EventLoop::run()
{
	if (dispatching_)
		return -EBUSY;

	while (!exitRequested_) {
		int ret = dispatch(-1);
		if (ret < 0) {
			exitRequested_ = false;
			return ret;
		}
	}
	exitRequested_ = false;
	return exitCode_;
}

void EventLoop::exit(int code)
{
	exitCode_ = code;
	exitRequested_ = true;
}

} /* namespace primecam */
