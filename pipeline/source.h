/* SPDX-License-Identifier: MIT */
#pragma once

#include <cerrno>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "pipeline/frame.h"
#include "pipeline/frame_ref.h"

namespace primecam {

class EventLoop;
struct PipelineStats;

/*
 * A producer of frames: a V4L2 capture device, a libcamera camera. Its
 * buffers are fixed by configure(); frames arrive on the event loop as
 * FrameRefs, and a buffer goes back to the device only when the last
 * FrameRef on it is gone.
 */
class Source
{
public:
	using FrameHandler = std::function<void(FrameRef frame)>;
	/*
	 * A fatal streaming error (device lost, driver error): the pipeline
	 * stops. Code kSourceChanged instead: the source's format or size
	 * changed (V4L2_EVENT_SOURCE_CHANGE); its stream has ended, and the
	 * next configure() takes the new format, so the pipeline is
	 * configured again and streams on.
	 */
	using ErrorHandler = std::function<void(const Error &error)>;
	static constexpr int kSourceChanged = ERESTART;

	virtual ~Source() = default;

	/* "vivid (/dev/video0) XRGB8888 640x480" */
	virtual std::string describe() const = 0;
	/* What the user must be told once, at start, about how this source
	 * moves frames: "libv4l2: format emulation copies every frame ...".
	 * Empty for a zero-copy source. */
	virtual std::vector<std::string> notes() const { return {}; }

	/* What the device changed from what was asked (libcamera adjusting a
	 * size), one line each, valid after configure(); empty when it gave
	 * exactly what the config asked for. */
	virtual std::vector<std::string> adjustments() const { return {}; }

	/* What the display shows while a source that reconnects waits for its
	 * device: the last frame, or nothing (the sinks stop: black). */
	enum class OnLoss {
		Hold,
		Black
	};
	/*
	 * A source whose device may come back (`reconnect = true`): after a
	 * lost device (an error with code ENODEV) the pipeline waits for
	 * deviceAvailable() and is then configured again. None: a lost
	 * device ends the run.
	 */
	virtual std::optional<OnLoss> reconnects() const { return std::nullopt; }
	/* Whether the device could be opened again now (checked when /dev
	 * changes). */
	virtual bool deviceAvailable() const { return false; }

	/* Opens the device, sets the format, allocates and exports buffers. */
	virtual Result<void> configure() = 0;
	/* Every buffer a frame can arrive in; valid after configure(). */
	virtual std::span<const FrameBuffer> buffers() const = 0;

	/* Queues the buffers and starts streaming, driven by loop. */
	virtual Result<void> start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
				   ErrorHandler onError) = 0;
	/* Stops streaming. Buffers still held stay valid until released. */
	virtual void stop() = 0;
};

} /* namespace primecam */
