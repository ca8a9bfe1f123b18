/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/dma_buf.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "camera/libcamera_config.h"
#include "pipeline/buffer_slots.h"
#include "pipeline/source.h"
#include "pipeline/source_lifecycle.h"

namespace libcamera {
class Camera;
class CameraConfiguration;
class CameraManager;
class FrameBufferAllocator;
class Request;
class Stream;
} /* namespace libcamera */

namespace primecam {

/*
 * A libcamera camera as a pipeline source. libcamera's FrameBuffers are
 * dma-bufs already: each plane (fd, offset, length) becomes a FramePlane
 * with the stride of the stream configuration, and the sinks import them
 * once, as they do V4L2's exported buffers.
 *
 * Everything is allocated in configure(): the buffers (FrameBufferAllocator)
 * and one Request per buffer. Streaming reuses those requests; a buffer's
 * request is queued again only when the last FrameRef on it is gone.
 *
 * Threads: libcamera completes requests on its own thread. The completion
 * (a Request pointer) is put into a queue sized at configure time and an
 * eventfd wakes the event loop, where frames, FrameRefs and stats are
 * handled; nothing else is touched from libcamera's thread.
 */
class LibcameraSource : public Source
{
public:
	explicit LibcameraSource(LibcameraConfig config);
	/* Stops, frees the requests and buffers and releases the camera; every
	 * FrameRef must be gone. */
	~LibcameraSource() override;

	LibcameraSource(const LibcameraSource &) = delete;
	LibcameraSource &operator=(const LibcameraSource &) = delete;

	/* "libcamera "platform/vimc.0 Sensor B" (Sensor B) BGR888 636x480,
	 * stride 1908, 4 buffers from libcamera's FrameBufferAllocator" */
	std::string describe() const override;
	std::vector<std::string> adjustments() const override;

	Result<void> configure() override;
	std::span<const FrameBuffer> buffers() const override { return slots_.buffers(); }

	Result<void> start(EventLoop &loop, PipelineStats &stats, FrameHandler onFrame,
			   ErrorHandler onError) override;
	void stop() override;

	bool isStreaming() const { return life_.isStarted(); }
	/* The camera's id, after configure(). */
	const std::string &cameraId() const { return cameraId_; }
	/*
	 * Requests created and buffers allocated since construction: it grows
	 * in configure() only, which is how tests check that streaming
	 * allocates nothing.
	 */
	uint64_t allocations() const { return allocations_; }

private:
	struct Slot {
		std::unique_ptr<libcamera::Request> request;
		bool queued = false; /* with libcamera, not yet completed */
	};

	Result<void> selectConfiguration();
	Result<void> allocate();
	Result<void> buildFrameBuffers();
	void release();

	Result<void> begin();
	void halt();
	int queue(uint32_t index);
	void onBufferReturned(uint32_t index);
	void onWake();
	void complete(libcamera::Request *request);
	/* Takes what libcamera's thread queued, marking every request done. */
	void drainCompletions(bool deliver);

	/* libcamera's thread. */
	void requestCompleted(libcamera::Request *request);
	void disconnected();
	void wake();

	LibcameraConfig config_;
	std::shared_ptr<libcamera::CameraManager> manager_;
	std::shared_ptr<libcamera::Camera> camera_;
	std::string cameraId_;
	std::string model_;
	bool acquired_ = false;
	bool connected_ = false; /* signals connected to this source */
	std::unique_ptr<libcamera::CameraConfiguration> cameraConfig_;
	libcamera::Stream *stream_ = nullptr;
	std::unique_ptr<libcamera::FrameBufferAllocator> allocator_;
	const PixelFormatInfo *format_ = nullptr;
	YuvEncoding encoding_;
	uint32_t width_ = 0;
	uint32_t height_ = 0;
	uint32_t stride_ = 0;
	std::vector<std::string> adjustments_;
	uint64_t allocations_ = 0;

	std::vector<Slot> requests_;
	/* Our own dup of every distinct dma-buf behind the planes (sized once:
	 * the FrameBuffers point at them), for CPU access and identity. */
	std::vector<DmaBuf> memory_;
	BufferSlots slots_;

	/* Filled on libcamera's thread under lock_, emptied on the loop. Both
	 * vectors are reserved for every request at configure time, so a
	 * completion never allocates. */
	UniqueFd wakeFd_;
	std::mutex lock_;
	std::vector<libcamera::Request *> completed_;
	std::vector<libcamera::Request *> draining_;
	bool lost_ = false; /* the camera was disconnected (under lock_) */

	/* After wakeFd_: its watch ends before the fd closes. */
	SourceLifecycle life_;
};

} /* namespace primecam */
