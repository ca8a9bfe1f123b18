/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <deque>

namespace primecam {

/*
 * How often a source may restart its stream after a recoverable driver
 * error ([source] restart_limit, restart_window_s). A camera that hiccups
 * once an hour (a lost sync, a DMA overrun: vb2 puts its queue in the error
 * state and every DQBUF says EIO until STREAMOFF) is worth riding out; one
 * that fails again as soon as it restarts is broken, and restarting it
 * forever would hide that.
 */
struct RestartPolicy {
	/* Restarts allowed within the window; 0: none, the first error ends
	 * the run. */
	uint32_t limit = 5;
	uint32_t windowS = 60;
};

/* The restarts of one stream, judged against its policy. */
class RestartBudget
{
public:
	explicit RestartBudget(RestartPolicy policy = {}) : policy_(policy) {}

	const RestartPolicy &policy() const { return policy_; }
	/* A restart wanted at nowNs (CLOCK_MONOTONIC): true and counted when
	 * fewer than limit restarts happened in the window before it. */
	bool admit(int64_t nowNs);
	/* Forgets every restart: a new configure(). */
	void reset() { times_.clear(); }

private:
	RestartPolicy policy_;
	/* The times of the admitted restarts still in the window, oldest
	 * first; never more than limit of them. */
	std::deque<int64_t> times_;
};

} /* namespace primecam */
