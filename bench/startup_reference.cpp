/* SPDX-License-Identifier: MIT */
/*
 * startup-reference: the floor for primecam's start-up. The least a program
 * can do to put one vivid frame on a vkms plane without a copy, with no
 * abstraction, no config file and no error recovery, in the order primecam
 * does it:
 *
 *   S_FMT XR24 640x480, S_PARM 1/25, REQBUFS 4 MMAP, EXPBUF each;
 *   DRM master, atomic caps, the first connected connector, its CRTC, the
 *   primary plane, the 640x480 mode as a blob;
 *   PRIME import + AddFB2 of each buffer, a TEST_ONLY commit;
 *   QBUF all, STREAMON, DQBUF the first frame, one modesetting commit with
 *   a page-flip event, and the flip.
 *
 *   startup-reference /dev/videoN /dev/dri/cardN
 *
 * Prints one JSON line with the milliseconds from the process's start
 * (base/process_start.h, as primecam's startup_ms) to the first frame and
 * to the first flip. bench/startup.py runs it next to primecam in one VM
 * boot and measures both processes' CPU time from outside (wait4).
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <drm_fourcc.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "base/process_start.h"

namespace {

constexpr uint32_t kWidth = 640;
constexpr uint32_t kHeight = 480;
constexpr uint32_t kBuffers = 4;

int64_t nowNs()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

[[noreturn]] void die(const char *what)
{
	std::fprintf(stderr, "startup-reference: %s: %s\n", what, std::strerror(errno));
	std::exit(1);
}

int xioctl(int fd, unsigned long request, void *arg)
{
	int ret;
	do
		ret = ::ioctl(fd, request, arg);
	while (ret < 0 && errno == EINTR);
	return ret;
}

/* A property of a KMS object by name: its id (0 when absent) and value. */
struct Property {
	uint32_t id = 0;
	uint64_t value = 0;
};

Property property(int fd, uint32_t object, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, object, type);
	if (!props)
		die("drmModeObjectGetProperties");
	Property found;
	for (uint32_t i = 0; i < props->count_props && !found.id; ++i) {
		drmModePropertyRes *prop = drmModeGetProperty(fd, props->props[i]);
		if (prop && std::strcmp(prop->name, name) == 0)
			found = {prop->prop_id, props->prop_values[i]};
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

uint32_t propertyId(int fd, uint32_t object, uint32_t type, const char *name)
{
	uint32_t id = property(fd, object, type, name).id;
	if (!id) {
		errno = ENOENT;
		die(name);
	}
	return id;
}

int64_t flipNs = 0;

void onFlip(int, unsigned, unsigned sec, unsigned usec, void *)
{
	flipNs = int64_t{sec} * 1000000000 + int64_t{usec} * 1000;
}

} /* namespace */

int main(int argc, char **argv)
{
	if (argc != 3) {
		std::fprintf(stderr, "usage: startup-reference /dev/videoN /dev/dri/cardN\n");
		return 2;
	}
	int video = ::open(argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (video < 0)
		die(argv[1]);

	v4l2_format fmt = {};
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	fmt.fmt.pix.width = kWidth;
	fmt.fmt.pix.height = kHeight;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_XBGR32;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(video, VIDIOC_S_FMT, &fmt) < 0)
		die("VIDIOC_S_FMT");
	v4l2_streamparm parm = {};
	parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	parm.parm.capture.timeperframe = {1, 25};
	if (xioctl(video, VIDIOC_S_PARM, &parm) < 0)
		die("VIDIOC_S_PARM");
	v4l2_requestbuffers req = {};
	req.count = kBuffers;
	req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(video, VIDIOC_REQBUFS, &req) < 0 || req.count < 2)
		die("VIDIOC_REQBUFS");
	std::vector<int> dmabufs;
	for (uint32_t i = 0; i < req.count; ++i) {
		v4l2_exportbuffer exp = {};
		exp.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		exp.index = i;
		exp.flags = O_RDWR | O_CLOEXEC;
		if (xioctl(video, VIDIOC_EXPBUF, &exp) < 0)
			die("VIDIOC_EXPBUF");
		dmabufs.push_back(exp.fd);
	}

	int card = ::open(argv[2], O_RDWR | O_CLOEXEC);
	if (card < 0)
		die(argv[2]);
	if (drmSetMaster(card) < 0)
		die("drmSetMaster");
	if (drmSetClientCap(card, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    drmSetClientCap(card, DRM_CLIENT_CAP_ATOMIC, 1) < 0)
		die("drmSetClientCap");
	drmModeRes *res = drmModeGetResources(card);
	if (!res)
		die("drmModeGetResources");
	uint32_t connector = 0, crtc = 0, crtcIndex = 0;
	drmModeModeInfo mode = {};
	for (int i = 0; i < res->count_connectors && !connector; ++i) {
		drmModeConnector *conn = drmModeGetConnector(card, res->connectors[i]);
		if (conn && conn->connection == DRM_MODE_CONNECTED &&
		    conn->connector_type != DRM_MODE_CONNECTOR_WRITEBACK) {
			for (int m = 0; m < conn->count_modes; ++m) {
				if (conn->modes[m].hdisplay == kWidth &&
				    conn->modes[m].vdisplay == kHeight) {
					mode = conn->modes[m];
					connector = conn->connector_id;
					break;
				}
			}
			drmModeEncoder *enc = conn->count_encoders
						      ? drmModeGetEncoder(card, conn->encoders[0])
						      : nullptr;
			for (int c = 0; enc && c < res->count_crtcs; ++c) {
				if (enc->possible_crtcs & (1u << c)) {
					crtc = res->crtcs[c];
					crtcIndex = static_cast<uint32_t>(c);
					break;
				}
			}
			drmModeFreeEncoder(enc);
		}
		drmModeFreeConnector(conn);
	}
	if (!connector || !crtc) {
		errno = ENODEV;
		die("no connected connector with a 640x480 mode");
	}
	drmModePlaneRes *planes = drmModeGetPlaneResources(card);
	if (!planes)
		die("drmModeGetPlaneResources");
	uint32_t plane = 0;
	for (uint32_t i = 0; i < planes->count_planes && !plane; ++i) {
		drmModePlane *p = drmModeGetPlane(card, planes->planes[i]);
		if (p && (p->possible_crtcs & (1u << crtcIndex)) &&
		    property(card, p->plane_id, DRM_MODE_OBJECT_PLANE, "type").value ==
			    DRM_PLANE_TYPE_PRIMARY)
			plane = p->plane_id;
		drmModeFreePlane(p);
	}
	if (!plane) {
		errno = ENODEV;
		die("no primary plane");
	}
	uint32_t modeBlob = 0;
	if (drmModeCreatePropertyBlob(card, &mode, sizeof(mode), &modeBlob) < 0)
		die("drmModeCreatePropertyBlob");

	std::vector<uint32_t> fbs;
	for (int fd : dmabufs) {
		uint32_t handle = 0;
		if (drmPrimeFDToHandle(card, fd, &handle) < 0)
			die("drmPrimeFDToHandle");
		/* The kernel's own stride, as primecam takes it. */
		uint32_t handles[4] = {handle}, pitches[4] = {fmt.fmt.pix.bytesperline},
			 offsets[4] = {0}, fb = 0;
		if (drmModeAddFB2(card, kWidth, kHeight, DRM_FORMAT_XRGB8888, handles, pitches,
				  offsets, &fb, 0) < 0)
			die("drmModeAddFB2");
		fbs.push_back(fb);
	}

	struct Props {
		uint32_t crtcId, fbId, srcX, srcY, srcW, srcH, crtcX, crtcY, crtcW, crtcH;
		uint32_t connCrtc, modeId, active;
	} ids = {
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "FB_ID"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "SRC_X"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "SRC_Y"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "SRC_W"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "SRC_H"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "CRTC_X"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "CRTC_W"),
		propertyId(card, plane, DRM_MODE_OBJECT_PLANE, "CRTC_H"),
		propertyId(card, connector, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"),
		propertyId(card, crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"),
		propertyId(card, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"),
	};
	auto request = [&](uint32_t fb) {
		drmModeAtomicReq *atomic = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(atomic, connector, ids.connCrtc, crtc);
		drmModeAtomicAddProperty(atomic, crtc, ids.modeId, modeBlob);
		drmModeAtomicAddProperty(atomic, crtc, ids.active, 1);
		drmModeAtomicAddProperty(atomic, plane, ids.crtcId, crtc);
		drmModeAtomicAddProperty(atomic, plane, ids.fbId, fb);
		drmModeAtomicAddProperty(atomic, plane, ids.srcX, 0);
		drmModeAtomicAddProperty(atomic, plane, ids.srcY, 0);
		drmModeAtomicAddProperty(atomic, plane, ids.srcW, uint64_t{kWidth} << 16);
		drmModeAtomicAddProperty(atomic, plane, ids.srcH, uint64_t{kHeight} << 16);
		drmModeAtomicAddProperty(atomic, plane, ids.crtcX, 0);
		drmModeAtomicAddProperty(atomic, plane, ids.crtcY, 0);
		drmModeAtomicAddProperty(atomic, plane, ids.crtcW, kWidth);
		drmModeAtomicAddProperty(atomic, plane, ids.crtcH, kHeight);
		return atomic;
	};
	drmModeAtomicReq *test = request(fbs[0]);
	if (drmModeAtomicCommit(card, test,
				DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET,
				nullptr) < 0)
		die("TEST_ONLY commit");
	drmModeAtomicFree(test);

	for (uint32_t i = 0; i < req.count; ++i) {
		v4l2_buffer buf = {};
		buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		buf.memory = V4L2_MEMORY_MMAP;
		buf.index = i;
		if (xioctl(video, VIDIOC_QBUF, &buf) < 0)
			die("VIDIOC_QBUF");
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (xioctl(video, VIDIOC_STREAMON, &type) < 0)
		die("VIDIOC_STREAMON");

	pollfd pv = {video, POLLIN, 0};
	if (::poll(&pv, 1, 5000) <= 0)
		die("waiting for the first frame");
	v4l2_buffer buf = {};
	buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	buf.memory = V4L2_MEMORY_MMAP;
	if (xioctl(video, VIDIOC_DQBUF, &buf) < 0)
		die("VIDIOC_DQBUF");
	int64_t captureNs = nowNs();

	drmModeAtomicReq *show = request(fbs[buf.index]);
	int64_t commitNs = nowNs();
	if (drmModeAtomicCommit(card, show,
				DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT |
					DRM_MODE_ATOMIC_ALLOW_MODESET,
				nullptr) < 0)
		die("the first commit");
	drmModeAtomicFree(show);
	drmEventContext events = {};
	events.version = 2; /* page_flip_handler without the CRTC id */
	events.page_flip_handler = onFlip;
	pollfd pd = {card, POLLIN, 0};
	while (!flipNs) {
		if (::poll(&pd, 1, 5000) <= 0)
			die("waiting for the page flip");
		if (drmHandleEvent(card, &events) < 0)
			die("drmHandleEvent");
	}
	/* The event of the commit that switches the CRTC on carries the last
	 * vblank before it was on (seconds old): its arrival, as primecam's
	 * KmsSink::onFlip() takes it then. */
	if (flipNs < commitNs)
		flipNs = nowNs();

	primecam::Result<int64_t> start = primecam::processStartMonotonicNs();
	if (!start) {
		std::fprintf(stderr, "startup-reference: %s\n", start.error().message.c_str());
		return 1;
	}
	std::printf("{\"first_capture_ms\": %.1f, \"first_display_ms\": %.1f}\n",
		    static_cast<double>(captureNs - *start) / 1e6,
		    static_cast<double>(flipNs - *start) / 1e6);

	/* Teardown as short as the kernel allows: closing the card removes the
	 * framebuffers and the blob, closing the node stops the stream. */
	xioctl(video, VIDIOC_STREAMOFF, &type);
	drmModeFreePlaneResources(planes);
	drmModeFreeResources(res);
	return 0;
}
