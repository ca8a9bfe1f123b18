/* SPDX-License-Identifier: MIT */
#include "pipeline/source_lifecycle.h"

#include <cerrno>

#include "pipeline/stats.h"

namespace primecam {

std::string restartReason(std::string_view what)
{
	if (what.starts_with("VIDIOC_"))
		return std::string(what) + " returned EIO";
	return std::string(what);
}

Result<void> SourceLifecycle::checkConfigure(const std::string &who, uint32_t heldBuffers) const
{
	if (started_)
		return Error::fromErrno(EBUSY, who + ": configure() while streaming");
	if (heldBuffers != 0)
		return Error::fromErrno(EBUSY, who + ": configure() while " +
						       std::to_string(heldBuffers) +
						       " buffer(s) are still held by sinks");
	return {};
}

void SourceLifecycle::setConfigured(bool configured)
{
	state_ = configured ? State::Configured : State::Unconfigured;
	restarts_.reset();
}

Result<void> SourceLifecycle::start(const std::string &who, EventLoop &loop, PipelineStats &stats,
				    Source::FrameHandler onFrame, Source::ErrorHandler onError,
				    const std::function<Result<void>()> &begin,
				    const std::function<void()> &halt)
{
	switch (state_) {
	case State::Unconfigured:
		return Error::fromErrno(EINVAL, who + ": start() before configure()");
	case State::Lost:
		return Error::fromErrno(ENODEV, who + ": the device failed; configure again");
	case State::Configured:
		break;
	case State::Streaming:
	case State::Stopping:
	case State::Ended:
		return Error::fromErrno(EBUSY, who + ": already streaming");
	}
	loop_ = &loop;
	stats_ = &stats;
	onFrame_ = std::move(onFrame);
	onError_ = std::move(onError);
	sequence_.reset();
	timestamps_.reset();

	state_ = State::Streaming;
	Result<void> ok = begin();
	if (!ok) {
		watch_.reset();
		state_ = State::Stopping;
		halt();
		state_ = State::Configured;
		return ok;
	}
	started_ = true;
	return {};
}

Result<void> SourceLifecycle::watch(const std::string &what, int fd, uint32_t events,
				    EventLoop::FdCallback callback)
{
	int ret = watch_.watch(*loop_, fd, events, std::move(callback));
	if (ret < 0)
		return Error::fromErrno(-ret, "watching " + what + " on the event loop");
	return {};
}

void SourceLifecycle::stop(const std::function<void()> &halt)
{
	if (!started_)
		return;
	started_ = false;
	watch_.reset();
	const bool lost = state_ == State::Lost;
	state_ = State::Stopping;
	halt();
	state_ = lost ? State::Lost : State::Configured;
}

void SourceLifecycle::fail(const Error &error)
{
	if (state_ == State::Lost)
		return;
	state_ = State::Lost;
	watch_.reset();
	if (onError_)
		onError_(error);
}

void SourceLifecycle::recover(const Error &error, const std::string &reason,
			      const std::function<Result<void>()> &restart)
{
	if (state_ != State::Streaming)
		return;
	const RestartPolicy &policy = restarts_.policy();
	if (!restarts_.admit(monotonicNowNs())) {
		if (policy.limit == 0) {
			fail(error);
			return;
		}
		fail(Error::fromErrno(error.code,
				      error.message + "; " + std::to_string(policy.limit) +
					      " restarts within " + std::to_string(policy.windowS) +
					      " s did not clear it (restart_limit, "
					      "restart_window_s)"));
		return;
	}
	++stats_->restarts[reason];
	sequence_.continueAfterRestart();
	Result<void> ok = restart();
	if (!ok)
		fail(Error::fromErrno(ok.error().code,
				      "restarting after " + reason + ": " + ok.error().message));
}

static Error lostError(int code, std::string_view what, const std::string &device)
{
	return Error::fromErrno(code,
				"capture device " + device + " lost (" + std::string(what) + ")");
}

void SourceLifecycle::streamError(int code, std::string_view what, const std::string &device,
				  const std::function<Result<void>()> &restart)
{
	if (code != EIO) {
		lost(code, what, device);
		return;
	}
	recover(lostError(code, what, device), restartReason(what), restart);
}

void SourceLifecycle::lost(int code, std::string_view what, const std::string &device)
{
	fail(lostError(code, what, device));
}

void SourceLifecycle::changed(const Error &why)
{
	if (state_ != State::Streaming)
		return;
	state_ = State::Ended;
	watch_.reset();
	if (onError_)
		onError_(Error{Source::kSourceChanged, why.message});
}

void SourceLifecycle::end()
{
	if (state_ != State::Streaming)
		return;
	state_ = State::Ended;
	watch_.reset();
	if (loop_)
		loop_->exit(0);
}

void SourceLifecycle::judgeTimestamp(FrameMetadata &meta)
{
	if (meta.timestampTrust == TimestampTrust::Trusted)
		meta.timestampTrust = timestamps_.judge(meta.timestampNs, monotonicNowNs());
	if (meta.timestampTrust != TimestampTrust::Trusted)
		++stats_->untrustedTimestamps[static_cast<size_t>(meta.timestampTrust)];
}

} /* namespace primecam */
