/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <linux/videodev2.h>

#include "base/dma_buf.h"
#include "base/result.h"
#include "v4l2/format_enum.h"
#include "v4l2/ioctl_backend.h"

namespace primecam {

/* What VIDIOC_QBUF / DQBUF / PREPARE_BUF / QUERYBUF report about one buffer. */
struct BufferState {
	uint32_t index = 0;
	uint32_t flags = 0; /* V4L2_BUF_FLAG_* */
	uint32_t sequence = 0;
	timeval timestamp = {};
	uint32_t numPlanes = 0; /* memory planes (1 for the single-planar API) */
	/* Where the image starts in each plane's buffer. The driver sets it for
	 * capture (multi-planar API only; always 0 in the single-planar API),
	 * e.g. vivid leaves 128 bytes of header before YUYV or NV16M. */
	std::array<uint32_t, VIDEO_MAX_PLANES> dataOffset = {};
	std::array<uint32_t, VIDEO_MAX_PLANES> bytesused = {};
	/* Each plane's size, and where an MMAP plane is mmap()ed (QUERYBUF). */
	std::array<uint32_t, VIDEO_MAX_PLANES> length = {};
	std::array<uint32_t, VIDEO_MAX_PLANES> mmapOffset = {};
};

/* The dma-bufs to give a V4L2_MEMORY_DMABUF queue with a buffer: one per
 * memory plane, with its size (vb2 refuses one smaller than sizeimage). On an
 * OUTPUT queue, bytesused says how much of each plane holds the image (0 on
 * a capture queue, where the driver fills it in). */
struct DmabufPlanes {
	uint32_t numPlanes = 0;
	std::array<int, VIDEO_MAX_PLANES> fds = {};
	std::array<uint32_t, VIDEO_MAX_PLANES> lengths = {};
	std::array<uint32_t, VIDEO_MAX_PLANES> bytesused = {};
};

/* One control as VIDIOC_QUERY_EXT_CTRL describes it. */
struct ControlInfo {
	uint32_t id = 0;
	uint32_t type = 0; /* V4L2_CTRL_TYPE_* */
	std::string name;
	int64_t minimum = 0;
	int64_t maximum = 0;
	uint32_t flags = 0;
};

/*
 * A V4L2 video node. Devices are found by driver name (QUERYCAP), never by
 * /dev/videoN number: the numbering depends on probe order and on every other
 * driver loaded, while the driver name is what the user knows.
 *
 * Configuration calls return Result with a message naming the node; the
 * streaming calls (QBUF, DQBUF, DQEVENT, STREAMON/OFF) return 0 or -errno, the
 * caller naming what it was doing.
 *
 * Every call goes through an IoctlBackend: the plain system calls, or
 * libv4l2's, so the libv4l2 source drives its node with the same code. The
 * calls that take a buffer type serve either queue of a mem2mem device
 * (OUTPUT and CAPTURE, single- or multi-planar); the ones without work on
 * the capture queue.
 */
class VideoDevice
{
public:
	/* Opens path non-blocking (DQBUF is driven by the event loop). */
	static Result<VideoDevice> open(const std::string &path,
					const IoctlBackend &backend = plainIoctl());

	/* Every /dev/videoN, in N order (/dev/video2 before /dev/video10). */
	static std::vector<std::string> listNodes();

	/* The video nodes whose driver matches and whose device_caps include all
	 * of caps, in /dev/videoN order. An empty list is not an error. */
	static std::vector<std::string> findByDriver(std::string_view driver, uint32_t caps);

	int fd() const { return fd_.get(); }
	const std::string &path() const { return path_; }
	std::string driver() const;
	std::string card() const;
	std::string busInfo() const;
	/* The node's own capabilities (device_caps), not the whole device's. */
	uint32_t caps() const { return caps_; }
	/* Whether the capture queue is driven through the _MPLANE API: by
	 * default when the node offers only that one. */
	bool isMultiplanar() const;
	/* V4L2_BUF_TYPE_VIDEO_CAPTURE or _MPLANE, whichever the node speaks. */
	uint32_t captureType() const;
	/* Chooses the API for a node that offers both; EINVAL naming the node
	 * when it lacks the one asked for. */
	Result<void> useMultiplanar(bool mplane);
	/* "/dev/video4 (vivid)", for messages. */
	std::string describe() const;

	/* Whether a buffer type is one of the _MPLANE ones. */
	static bool isMultiplanarType(uint32_t type);

	/* The backend's ioctl, retried on EINTR; 0 or -errno. */
	int ioctl(unsigned long request, void *arg) const;
	const IoctlBackend &backend() const { return fd_.backend(); }

	/*
	 * Test hook: called with the request of every ioctl() of every
	 * VideoDevice, before it is issued, on the calling thread. Device tests
	 * count REQBUFS/EXPBUF/QBUF per frame with it. Pass nullptr to remove.
	 */
	using IoctlObserver = std::function<void(unsigned long request)>;
	static void setIoctlObserver(IoctlObserver observer);

	/* VIDIOC_ENUM_FMT on the capture queue, or on the queue of type. */
	Result<std::vector<FormatDescription>> enumFormats() const;
	Result<std::vector<FormatDescription>> enumFormats(uint32_t type) const;
	/* VIDIOC_ENUM_FRAMESIZES; Kind::Unknown when the driver does not
	 * enumerate sizes for this format on the current input. */
	Result<FrameSizes> enumFrameSizes(uint32_t fourcc) const;
	/* VIDIOC_ENUM_FRAMEINTERVALS; Kind::Unknown when the driver does not
	 * enumerate them. */
	Result<FrameIntervals> enumFrameIntervals(uint32_t fourcc, uint32_t width,
						  uint32_t height) const;

	/* G_FMT on the capture queue (or the queue of type). */
	Result<v4l2_format> getFormat() const;
	Result<v4l2_format> getFormat(uint32_t type) const;
	/* TRY_FMT: what S_FMT would choose, without changing anything. */
	Result<v4l2_format> tryFormat(uint32_t fourcc, uint32_t width, uint32_t height) const;
	Result<v4l2_format> tryFormat(uint32_t type, uint32_t fourcc, uint32_t width,
				      uint32_t height) const;
	/* S_FMT on the capture queue (or the queue of type); returns what the
	 * driver chose, which may differ from what was asked (the caller
	 * checks). */
	Result<v4l2_format> setFormat(uint32_t fourcc, uint32_t width, uint32_t height);
	Result<v4l2_format> setFormat(uint32_t type, uint32_t fourcc, uint32_t width,
				      uint32_t height);

	/* G_PARM: the current frame interval; ENOTSUP naming the node when the
	 * driver cannot set one (no V4L2_CAP_TIMEPERFRAME). */
	Result<Fraction> frameInterval() const;
	/* S_PARM, then G_PARM: returns the interval the driver granted, which
	 * is the nearest it can do, not necessarily the one asked for. */
	Result<Fraction> setFrameInterval(Fraction interval);

	/* REQBUFS; returns the count the driver granted. Without a type: the
	 * capture queue. */
	Result<uint32_t> requestBuffers(uint32_t count, uint32_t memory);
	Result<uint32_t> requestBuffers(uint32_t type, uint32_t count, uint32_t memory);
	/* VIDIOC_EXPBUF of one plane of an MMAP buffer as a dma-buf. */
	Result<DmaBuf> exportBuffer(uint32_t index, uint32_t plane);
	Result<DmaBuf> exportBuffer(uint32_t type, uint32_t index, uint32_t plane);
	/* VIDIOC_QUERYBUF: the buffer's planes, their sizes and mmap offsets. */
	int queryBuffer(uint32_t type, uint32_t index, uint32_t memory, BufferState &state) const;

	/*
	 * VIDIOC_PREPARE_BUF: the driver validates the buffer (and imports the
	 * dma-bufs of a DMABUF queue) without queueing it, and fills in the
	 * per-plane data_offset. 0 or -errno (-ENOTTY when not supported).
	 * dmabuf is ignored for MMAP queues, but for its bytesused.
	 */
	int prepareBuffer(uint32_t type, uint32_t index, uint32_t memory,
			  const DmabufPlanes &dmabuf, BufferState &state) const;
	/* VIDIOC_QBUF; state receives what the kernel wrote back. */
	int queueBuffer(uint32_t type, uint32_t index, uint32_t memory, const DmabufPlanes &dmabuf,
			BufferState &state) const;
	/* VIDIOC_DQBUF (non-blocking: -EAGAIN when no buffer is ready). */
	int dequeueBuffer(uint32_t type, uint32_t memory, BufferState &state) const;
	int streamOn(uint32_t type) const;
	/* Returns every queued buffer to userspace (the kernel's vb2 cancels
	 * them); buffers dequeued earlier are not touched. */
	int streamOff(uint32_t type) const;

	/* VIDIOC_G_INPUT (0 when the node has no input selection). */
	Result<uint32_t> currentInput() const;
	/* VIDIOC_S_INPUT: the input is the device's, shared by every open file;
	 * drivers refuse (EBUSY) while buffers are allocated. */
	Result<void> setInput(uint32_t index);
	/* Whether input index takes DV timings (HDMI, DVI: V4L2_IN_CAP_DV_TIMINGS). */
	bool inputHasDvTimings(uint32_t index) const;
	/* VIDIOC_QUERY_DV_TIMINGS: what the receiver detects now. ENOLINK (no
	 * signal), ENOLCK (unstable) and ERANGE (out of range) as the kernel
	 * says them. */
	Result<v4l2_dv_timings> queryDvTimings() const;
	/* VIDIOC_S_DV_TIMINGS: refused (EBUSY) while buffers are allocated. */
	Result<void> setDvTimings(const v4l2_dv_timings &timings);

	/* VIDIOC_SUBSCRIBE_EVENT; 0 or -errno (-EINVAL: the driver does not
	 * send this event). */
	int subscribeEvent(uint32_t type, uint32_t id = 0) const;
	/* VIDIOC_DQEVENT; -ENOENT when none is pending. */
	int dequeueEvent(v4l2_event &event) const;

	/*
	 * The control named name: the driver's name ("Disconnect") or the
	 * v4l2-ctl spelling ("disconnect"), compared without case, with
	 * blanks and punctuation read as '_'. ENOENT lists nothing; the
	 * message names the node.
	 */
	Result<ControlInfo> findControl(std::string_view name) const;
	/* VIDIOC_S_EXT_CTRLS of one integer, boolean, menu or button control
	 * (a button's value is ignored: writing it presses it). */
	Result<void> setControl(std::string_view name, int64_t value);

private:
	Error error(int code, std::string_view what) const;
	static void fillBuffer(v4l2_buffer &buf, v4l2_plane *planes, uint32_t type, uint32_t index,
			       uint32_t memory, const DmabufPlanes *dmabuf);
	static void readBuffer(const v4l2_buffer &buf, BufferState &state);
	int bufferIoctl(unsigned long request, uint32_t type, uint32_t index, uint32_t memory,
			const DmabufPlanes *dmabuf, BufferState &state) const;

	BackendFd fd_;
	std::string path_;
	v4l2_capability cap_ = {};
	uint32_t caps_ = 0;
	bool mplane_ = false;
};

} /* namespace primecam */
