/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <span>
#include <string>

#include "base/result.h"
#include "pipeline/frame.h"
#include "pipeline/frame_ref.h"

namespace primecam {

class EventLoop;
struct SinkStats;

/*
 * A consumer of frames: a KMS plane, a GL texture, nothing (null). A sink
 * keeps the FrameRef for as long as it uses the buffer (the display: until
 * the page flip that replaced it) and drops it as soon as it is done.
 */
class Sink
{
public:
	virtual ~Sink() = default;

	/* "kms vkms/Virtual-1 plane 31" */
	virtual std::string describe() const = 0;

	/*
	 * Sees every buffer that frames can arrive in and imports each once
	 * (framebuffers, EGLImages), caching by buffer identity; refuses a
	 * format, size or placement it cannot do, saying what it can.
	 */
	virtual Result<void> configure(std::span<const FrameBuffer> buffers) = 0;

	virtual Result<void> start(EventLoop &loop, SinkStats &stats) = 0;
	/*
	 * Takes a frame; never blocks. A sink that is behind replaces the frame
	 * still waiting with this newer one and counts the drop. Returns 0, or
	 * -errno for a fatal error (the pipeline stops).
	 */
	virtual int consume(FrameRef frame) = 0;
	/* Lets go of every frame it holds. */
	virtual void stop() = 0;

	/* The sink's own account of what made consume() fail (which commit,
	 * which buffer, which exporter), when it keeps one. */
	virtual const std::optional<Error> &lastError() const
	{
		static const std::optional<Error> none;
		return none;
	}
};

} /* namespace primecam */
