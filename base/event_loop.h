/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * primecam's event loop: one thread, one epoll, every fd of a pipeline (V4L2
 * capture nodes, the DRM card's page-flip events, timers, signals) on it.
 * Shaped like libcamera's EventDispatcherPoll or sd-event.
 *
 * Threading: everything but post() must be called on the loop thread (the
 * one that runs run()/dispatch()). post() is the only way in from other
 * threads. The loop itself starts no threads.
 *
 * Errors are return values (-errno or Result), never exceptions.
 *
 * Reentrancy: every add/remove/modify/cancel call, exit() and post() are
 * allowed from inside any callback. run() and dispatch() are not (they
 * return -EBUSY), and destroying the loop from a callback is not allowed.
 */
class EventLoop
{
public:
	/* The epoll event mask as the kernel returned it: EPOLLIN, EPOLLOUT,
	 * EPOLLPRI, EPOLLERR, EPOLLHUP, ... Errors and hang-ups are always
	 * passed on, even when not asked for, because epoll always reports them. */
	using FdCallback = std::function<void(uint32_t events)>;
	using TimerCallback = std::function<void()>;
	using SignalCallback = std::function<void(const signalfd_siginfo &)>;
	/* Unique for the loop's lifetime, never reused; 0 is never a timer. */
	using TimerId = uint64_t;

	/* epoll_create1(EPOLL_CLOEXEC) + eventfd(EFD_CLOEXEC | EFD_NONBLOCK). */
	static Result<std::unique_ptr<EventLoop>> create();
	~EventLoop();

	EventLoop(const EventLoop &) = delete;
	EventLoop &operator=(const EventLoop &) = delete;
	EventLoop(EventLoop &&) = delete;
	EventLoop &operator=(EventLoop &&) = delete;

	/*
	 * Watches fd (not owned) for events. V4L2 capture nodes signal a buffer
	 * ready to DQBUF with EPOLLIN and a pending VIDIOC_DQEVENT with
	 * EPOLLPRI; a DRM card signals a page-flip event with EPOLLIN. Returns
	 * 0, -EEXIST if fd is already watched, -EINVAL for an empty callback, or
	 * the -errno of epoll_ctl (-EPERM for a regular file, -EBADF, ...).
	 *
	 * Call removeFd() before closing fd: epoll registers the open file, not
	 * the number, so a registration outlives close() while a dup() of the
	 * file lives on, and the loop could no longer name it to remove it.
	 */
	int addFd(int fd, uint32_t events, FdCallback cb);
	/* Changes the event mask. 0, -ENOENT if fd is not watched, or -errno. */
	int modifyFd(int fd, uint32_t events);
	/* Stops watching fd; its callback never runs again, not even for events
	 * already returned in the batch being dispatched. A no-op for an fd that
	 * is not watched. Safe from any callback, including fd's own. */
	void removeFd(int fd);

	/*
	 * A timerfd on CLOCK_MONOTONIC (not affected by settimeofday or NTP
	 * steps) that first fires after first, then every interval; interval 0
	 * is a one-shot timer, which removes itself before its callback runs.
	 * A periodic timer that fell behind runs its callback once, not once
	 * per missed period. Errors: EINVAL for negative times or an empty
	 * callback, or the errno of timerfd_create/timerfd_settime/epoll_ctl.
	 */
	Result<TimerId> addTimer(std::chrono::nanoseconds first, std::chrono::nanoseconds interval,
				 TimerCallback cb);
	/* A no-op for ids that are not (or no longer) active timers. Safe from
	 * any callback, including the timer's own. */
	void cancelTimer(TimerId id);

	/*
	 * Delivers signo through one signalfd shared by all added signals. The
	 * signal is blocked with pthread_sigmask in the calling thread (signalfd
	 * only sees signals that are blocked, or they would run their handler or
	 * default action instead). Process-directed signals can reach any thread
	 * that does not block them, so add signals before starting threads,
	 * which inherit the mask. Returns 0, -EEXIST if signo is already added,
	 * -EINVAL for a signal that cannot be blocked (SIGKILL, SIGSTOP, glibc's
	 * internal ones, out of range) or an empty callback, or -errno.
	 */
	int addSignal(int signo, SignalCallback cb);
	/* Stops delivering signo and restores its blocked/unblocked state from
	 * before addSignal(). Instances of signo still pending are discarded
	 * first: they arrived while the loop owned the signal, and unblocking
	 * them would run the default action (which for SIGINT, SIGTERM or
	 * SIGUSR1 kills the process). The destructor does this for every added
	 * signal; both must run on the thread that called addSignal(). */
	void removeSignal(int signo);

	/* Thread-safe. Runs fn on the loop thread, in the order posted, woken
	 * through the eventfd. Functions posted while posted functions run, run
	 * in the next round, so a function that posts itself cannot starve fds.
	 * Functions still pending when the loop is destroyed are destroyed
	 * without running. */
	void post(std::function<void()> fn);

	/* Dispatches until exit() and returns its code (returning at once if
	 * exit() was called before run()), or -errno if epoll_wait fails, or
	 * -EBUSY if called from a callback. */
	int run();
	/* Makes run() return code after the current batch of events. The rest
	 * of the batch is still dispatched: an edge-triggered event or a read
	 * expiration would otherwise be lost. Call through post() from other
	 * threads. */
	void exit(int code = 0);
	/* One epoll_wait round (timeoutMs as for epoll_wait; -1 waits forever).
	 * Returns the number of callbacks run (fd, timer, signal and posted
	 * functions each count), 0 on timeout or EINTR, -EBUSY if called from a
	 * callback, or -errno. */
	int dispatch(int timeoutMs);

private:
	/* Up to this many events per epoll_wait; more stay ready in the kernel
	 * and come in the next round (epoll rotates its ready list). */
	static constexpr int kMaxEvents = 32;

	/* What one id stands for: a watched fd, a timer, the signalfd or the
	 * wake eventfd (not a pipeline Source). */
	struct Registration {
		enum class Kind {
			Fd,
			Timer,
			Signal,
			Wake
		};
		Kind kind;
		int fd;		/* the number registered with epoll */
		UniqueFd owned; /* the timerfd of a timer, else empty */
		bool periodic = false;
		/* shared_ptr so a running callback survives its own removal */
		std::shared_ptr<FdCallback> fdCallback;
		std::shared_ptr<TimerCallback> timerCallback;
	};

	struct SignalEntry {
		std::shared_ptr<SignalCallback> callback;
		bool wasBlocked; /* in the caller's mask before addSignal() */
	};

	EventLoop(UniqueFd epollFd, UniqueFd wakeFd);

	int registerFd(int fd, uint32_t events, uint64_t id);
	void forgetStaleFd(int fd);
	void removeSource(uint64_t id);
	int dispatchTimer(uint64_t id);
	int dispatchSignals();
	int runPosted();
	void restoreSignal(int signo, bool wasBlocked);

	UniqueFd epollFd_;
	UniqueFd wakeFd_;
	UniqueFd signalFd_;

	/* Registrations by the id stored in epoll_event.data.u64. Ids are never
	 * reused, so an event for a removed source finds nothing, even when its
	 * fd number has been closed and reused within the same batch. */
	std::unordered_map<uint64_t, Registration> sources_;
	std::unordered_map<int, uint64_t> userFds_;
	uint64_t nextId_ = 1;

	std::map<int, SignalEntry> signals_;
	sigset_t signalMask_;

	std::array<epoll_event, kMaxEvents> events_;
	bool dispatching_ = false;
	bool exitRequested_ = false;
	int exitCode_ = 0;

	/* post(): pending_ is filled by any thread under postLock_; the loop
	 * swaps it with running_, so both keep their capacity and the steady
	 * state allocates nothing beyond what std::function itself needs. */
	std::mutex postLock_;
	std::vector<std::function<void()>> pending_;
	std::vector<std::function<void()>> running_;
};

} /* namespace primecam */
