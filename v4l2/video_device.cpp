/* SPDX-License-Identifier: MIT */
#include "v4l2/video_device.h"

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <fcntl.h>

#include "base/device_nodes.h"
#include "base/pixel_format.h"

namespace primecam {

namespace {

/* /dev/video2 before /dev/video10. */
bool byNodeNumber(const std::string &a, const std::string &b)
{
	return a.size() != b.size() ? a.size() < b.size() : a < b;
}

VideoDevice::IoctlObserver &ioctlObserver()
{
	static VideoDevice::IoctlObserver observer;
	return observer;
}

/* "Disconnect", "disconnect" and "DISCONNECT" are one control; so are the
 * driver's "Inject V4L2_BUF_FLAG_ERROR" and v4l2-ctl's
 * "inject_v4l2_buf_flag_error". */
std::string controlKey(std::string_view name)
{
	std::string key;
	for (char c : name) {
		unsigned char u = static_cast<unsigned char>(c);
		key += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
	}
	return key;
}

} /* namespace */

Result<VideoDevice> VideoDevice::open(const std::string &path, const IoctlBackend &backend)
{
	VideoDevice dev;
	dev.path_ = path;
	int fd = backend.open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (&backend == &plainIoctl())
			return Error::fromErrno(errno, "opening " + path);
		return Error::fromErrno(errno, std::string("opening ") + path + " through " +
						       backend.name);
	}
	dev.fd_ = BackendFd(fd, backend);
	int ret = dev.ioctl(VIDIOC_QUERYCAP, &dev.cap_);
	if (ret < 0)
		return dev.error(-ret, "VIDIOC_QUERYCAP");
	/* device_caps describes this node; capabilities the whole device. */
	dev.caps_ = (dev.cap_.capabilities & V4L2_CAP_DEVICE_CAPS) ? dev.cap_.device_caps
								   : dev.cap_.capabilities;
	dev.mplane_ = (dev.caps_ & V4L2_CAP_VIDEO_CAPTURE_MPLANE) &&
		      !(dev.caps_ & V4L2_CAP_VIDEO_CAPTURE);
	return dev;
}

std::vector<std::string> VideoDevice::listNodes()
{
	std::vector<std::string> paths;
	for (DeviceNode &node : listDeviceNodes("video4linux", "video", ""))
		paths.push_back(std::move(node.path));
	return paths;
}

std::vector<std::string> VideoDevice::findByDriver(std::string_view driver, uint32_t caps)
{
	std::vector<std::string> found;
	bool sysfsMatched = false;
	for (const DeviceNode &node :
	     orderForDriver(listDeviceNodes("video4linux", "video", ""), driver)) {
		/* Nodes sysfs says belong to another driver are asked only when
		 * none matched by sysfs (orderForDriver() says why). */
		if (sysfsMatched && !node.isDriver(driver) && !node.isUnknown())
			break;
		Result<VideoDevice> dev = open(node.path);
		if (dev && dev->driver() == driver && (dev->caps() & caps) == caps) {
			found.push_back(node.path);
			sysfsMatched = sysfsMatched || node.isDriver(driver);
		}
	}
	std::sort(found.begin(), found.end(), byNodeNumber);
	return found;
}

std::string VideoDevice::driver() const
{
	return reinterpret_cast<const char *>(cap_.driver);
}

std::string VideoDevice::card() const
{
	return reinterpret_cast<const char *>(cap_.card);
}

std::string VideoDevice::busInfo() const
{
	return reinterpret_cast<const char *>(cap_.bus_info);
}

bool VideoDevice::isMultiplanar() const
{
	return mplane_;
}

uint32_t VideoDevice::captureType() const
{
	return mplane_ ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
}

Result<void> VideoDevice::useMultiplanar(bool mplane)
{
	uint32_t need = mplane ? V4L2_CAP_VIDEO_CAPTURE_MPLANE : V4L2_CAP_VIDEO_CAPTURE;
	if (!(caps_ & need))
		return Error::fromErrno(EINVAL,
					describe() + " has no " +
						(mplane ? "multi-planar" : "single-planar") +
						" capture queue");
	mplane_ = mplane;
	return {};
}

std::string VideoDevice::describe() const
{
	std::string where = path_;
	if (cap_.driver[0])
		where += " (" + driver() + ")";
	return where;
}

void VideoDevice::setIoctlObserver(IoctlObserver observer)
{
	ioctlObserver() = std::move(observer);
}

bool VideoDevice::isMultiplanarType(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ||
	       type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
}

int VideoDevice::ioctl(unsigned long request, void *arg) const
{
	if (const IoctlObserver &observer = ioctlObserver())
		observer(request);
	const IoctlBackend &io = fd_.backend();
	int ret;
	do {
		ret = io.ioctl(fd_.get(), request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

Error VideoDevice::error(int code, std::string_view what) const
{
	return Error::fromErrno(code, std::string(what) + " on " + describe());
}

Result<std::vector<FormatDescription>> VideoDevice::enumFormats() const
{
	return enumFormats(captureType());
}

Result<std::vector<FormatDescription>> VideoDevice::enumFormats(uint32_t type) const
{
	std::vector<FormatDescription> formats;
	for (uint32_t index = 0;; ++index) {
		v4l2_fmtdesc desc = {};
		desc.index = index;
		desc.type = type;
		int ret = ioctl(VIDIOC_ENUM_FMT, &desc);
		/* EINVAL past the last index is how the list ends. */
		if (ret == -EINVAL)
			break;
		if (ret < 0)
			return error(-ret, "VIDIOC_ENUM_FMT index " + std::to_string(index));
		formats.push_back({desc.pixelformat, desc.flags,
				   reinterpret_cast<const char *>(desc.description)});
	}
	return formats;
}

Result<FrameSizes> VideoDevice::enumFrameSizes(uint32_t fourcc) const
{
	FrameSizes sizes;
	for (uint32_t index = 0;; ++index) {
		v4l2_frmsizeenum size = {};
		size.index = index;
		size.pixel_format = fourcc;
		int ret = ioctl(VIDIOC_ENUM_FRAMESIZES, &size);
		/* ENOTTY: not implemented; EINVAL at index 0: not for this
		 * format or input (vivid answers so for its HDMI input, whose
		 * size is the DV timings'). Either way S_FMT decides. */
		if (ret == -ENOTTY || (ret == -EINVAL && index == 0))
			return sizes;
		if (ret == -EINVAL)
			break;
		if (ret < 0)
			return error(-ret, "VIDIOC_ENUM_FRAMESIZES of " + fourccToString(fourcc) +
						   " index " + std::to_string(index));
		if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
			sizes.kind = FrameSizes::Kind::Discrete;
			sizes.discrete.push_back({size.discrete.width, size.discrete.height});
			continue;
		}
		/* Stepwise and continuous ranges come as the only entry. */
		const v4l2_frmsize_stepwise &s = size.stepwise;
		sizes.kind = size.type == V4L2_FRMSIZE_TYPE_CONTINUOUS
				     ? FrameSizes::Kind::Continuous
				     : FrameSizes::Kind::Stepwise;
		sizes.min = {s.min_width, s.min_height};
		sizes.max = {s.max_width, s.max_height};
		sizes.stepWidth = sizes.kind == FrameSizes::Kind::Continuous ? 1 : s.step_width;
		sizes.stepHeight = sizes.kind == FrameSizes::Kind::Continuous ? 1 : s.step_height;
		break;
	}
	return sizes;
}

Result<FrameIntervals> VideoDevice::enumFrameIntervals(uint32_t fourcc, uint32_t width,
						       uint32_t height) const
{
	FrameIntervals intervals;
	for (uint32_t index = 0;; ++index) {
		v4l2_frmivalenum ival = {};
		ival.index = index;
		ival.pixel_format = fourcc;
		ival.width = width;
		ival.height = height;
		int ret = ioctl(VIDIOC_ENUM_FRAMEINTERVALS, &ival);
		if (ret == -ENOTTY || (ret == -EINVAL && index == 0))
			return intervals;
		if (ret == -EINVAL)
			break;
		if (ret < 0)
			return error(-ret, "VIDIOC_ENUM_FRAMEINTERVALS of " +
						   fourccToString(fourcc) + " " +
						   std::to_string(width) + "x" +
						   std::to_string(height) + " index " +
						   std::to_string(index));
		if (ival.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
			intervals.kind = FrameIntervals::Kind::Discrete;
			intervals.discrete.push_back(
				{ival.discrete.numerator, ival.discrete.denominator});
			continue;
		}
		const v4l2_frmival_stepwise &s = ival.stepwise;
		intervals.kind = ival.type == V4L2_FRMIVAL_TYPE_CONTINUOUS
					 ? FrameIntervals::Kind::Continuous
					 : FrameIntervals::Kind::Stepwise;
		intervals.min = {s.min.numerator, s.min.denominator};
		intervals.max = {s.max.numerator, s.max.denominator};
		intervals.step = {s.step.numerator, s.step.denominator};
		break;
	}
	return intervals;
}

Result<v4l2_format> VideoDevice::getFormat() const
{
	return getFormat(captureType());
}

Result<v4l2_format> VideoDevice::getFormat(uint32_t type) const
{
	v4l2_format fmt = {};
	fmt.type = type;
	int ret = ioctl(VIDIOC_G_FMT, &fmt);
	if (ret < 0)
		return error(-ret, "VIDIOC_G_FMT");
	return fmt;
}

namespace {

v4l2_format formatRequest(uint32_t type, uint32_t fourcc, uint32_t width, uint32_t height)
{
	v4l2_format fmt = {};
	fmt.type = type;
	if (VideoDevice::isMultiplanarType(type)) {
		fmt.fmt.pix_mp.pixelformat = fourcc;
		fmt.fmt.pix_mp.width = width;
		fmt.fmt.pix_mp.height = height;
		fmt.fmt.pix_mp.field = V4L2_FIELD_NONE;
	} else {
		fmt.fmt.pix.pixelformat = fourcc;
		fmt.fmt.pix.width = width;
		fmt.fmt.pix.height = height;
		fmt.fmt.pix.field = V4L2_FIELD_NONE;
	}
	return fmt;
}

} /* namespace */

Result<v4l2_format> VideoDevice::tryFormat(uint32_t fourcc, uint32_t width, uint32_t height) const
{
	return tryFormat(captureType(), fourcc, width, height);
}

Result<v4l2_format> VideoDevice::tryFormat(uint32_t type, uint32_t fourcc, uint32_t width,
					   uint32_t height) const
{
	v4l2_format fmt = formatRequest(type, fourcc, width, height);
	int ret = ioctl(VIDIOC_TRY_FMT, &fmt);
	if (ret < 0)
		return error(-ret, "VIDIOC_TRY_FMT");
	return fmt;
}

Result<v4l2_format> VideoDevice::setFormat(uint32_t fourcc, uint32_t width, uint32_t height)
{
	return setFormat(captureType(), fourcc, width, height);
}

Result<v4l2_format> VideoDevice::setFormat(uint32_t type, uint32_t fourcc, uint32_t width,
					   uint32_t height)
{
	v4l2_format fmt = formatRequest(type, fourcc, width, height);
	int ret = ioctl(VIDIOC_S_FMT, &fmt);
	if (ret < 0)
		return error(-ret, "VIDIOC_S_FMT");
	return fmt;
}

Result<Fraction> VideoDevice::frameInterval() const
{
	v4l2_streamparm parm = {};
	parm.type = captureType();
	int ret = ioctl(VIDIOC_G_PARM, &parm);
	if (ret < 0)
		return error(-ret, "VIDIOC_G_PARM");
	const v4l2_fract &f = parm.parm.capture.timeperframe;
	return Fraction{f.numerator, f.denominator};
}

Result<Fraction> VideoDevice::setFrameInterval(Fraction interval)
{
	v4l2_streamparm parm = {};
	parm.type = captureType();
	int ret = ioctl(VIDIOC_G_PARM, &parm);
	if (ret < 0)
		return error(-ret, "VIDIOC_G_PARM");
	/* Without TIMEPERFRAME the driver ignores timeperframe in S_PARM and
	 * the rate is whatever the sensor or its format dictates. */
	if (!(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME))
		return Error::fromErrno(ENOTSUP, describe() +
							 " cannot set a frame rate (no "
							 "V4L2_CAP_TIMEPERFRAME in VIDIOC_G_PARM)");

	parm = {};
	parm.type = captureType();
	parm.parm.capture.timeperframe = {interval.numerator, interval.denominator};
	ret = ioctl(VIDIOC_S_PARM, &parm);
	if (ret < 0)
		return error(-ret, "VIDIOC_S_PARM(" + std::to_string(interval.numerator) + "/" +
					   std::to_string(interval.denominator) + " s)");
	/* What S_PARM wrote back is what the driver chose; G_PARM says it again
	 * after any adjustment the driver makes at apply time. */
	return frameInterval();
}

Result<uint32_t> VideoDevice::requestBuffers(uint32_t count, uint32_t memory)
{
	return requestBuffers(captureType(), count, memory);
}

Result<uint32_t> VideoDevice::requestBuffers(uint32_t type, uint32_t count, uint32_t memory)
{
	v4l2_requestbuffers req = {};
	req.count = count;
	req.type = type;
	req.memory = memory;
	int ret = ioctl(VIDIOC_REQBUFS, &req);
	if (ret < 0)
		return error(-ret, "VIDIOC_REQBUFS(" + std::to_string(count) + ")");
	return req.count;
}

Result<DmaBuf> VideoDevice::exportBuffer(uint32_t index, uint32_t plane)
{
	return exportBuffer(captureType(), index, plane);
}

Result<DmaBuf> VideoDevice::exportBuffer(uint32_t type, uint32_t index, uint32_t plane)
{
	v4l2_exportbuffer exp = {};
	exp.type = type;
	exp.index = index;
	exp.plane = plane;
	exp.flags = O_RDWR | O_CLOEXEC;
	int ret = ioctl(VIDIOC_EXPBUF, &exp);
	if (ret < 0)
		return error(-ret, "VIDIOC_EXPBUF of buffer " + std::to_string(index) + " plane " +
					   std::to_string(plane));
	return DmaBuf::adopt(UniqueFd(exp.fd));
}

void VideoDevice::fillBuffer(v4l2_buffer &buf, v4l2_plane *planes, uint32_t type, uint32_t index,
			     uint32_t memory, const DmabufPlanes *dmabuf)
{
	buf = {};
	buf.type = type;
	buf.index = index;
	buf.memory = memory;
	const bool dmabufMemory = dmabuf && memory == V4L2_MEMORY_DMABUF;
	if (isMultiplanarType(type)) {
		/* The whole array: vb2 wants length >= the buffer's planes and
		 * writes back how many it has. */
		buf.m.planes = planes;
		buf.length = VIDEO_MAX_PLANES;
		for (uint32_t p = 0; dmabuf && p < dmabuf->numPlanes; ++p) {
			if (dmabufMemory) {
				planes[p].m.fd = dmabuf->fds[p];
				planes[p].length = dmabuf->lengths[p];
			}
			planes[p].bytesused = dmabuf->bytesused[p];
		}
	} else if (dmabuf) {
		if (dmabufMemory) {
			buf.m.fd = dmabuf->fds[0];
			buf.length = dmabuf->lengths[0];
		}
		buf.bytesused = dmabuf->bytesused[0];
	}
}

void VideoDevice::readBuffer(const v4l2_buffer &buf, BufferState &state)
{
	state.index = buf.index;
	state.flags = buf.flags;
	state.sequence = buf.sequence;
	state.timestamp = buf.timestamp;
	state.dataOffset = {};
	state.bytesused = {};
	state.length = {};
	state.mmapOffset = {};
	if (isMultiplanarType(buf.type)) {
		state.numPlanes = std::min<uint32_t>(buf.length, VIDEO_MAX_PLANES);
		for (uint32_t p = 0; p < state.numPlanes; ++p) {
			state.dataOffset[p] = buf.m.planes[p].data_offset;
			state.bytesused[p] = buf.m.planes[p].bytesused;
			state.length[p] = buf.m.planes[p].length;
			state.mmapOffset[p] = buf.m.planes[p].m.mem_offset;
		}
	} else {
		state.numPlanes = 1;
		state.bytesused[0] = buf.bytesused;
		state.length[0] = buf.length;
		state.mmapOffset[0] = buf.m.offset;
	}
}

int VideoDevice::bufferIoctl(unsigned long request, uint32_t type, uint32_t index, uint32_t memory,
			     const DmabufPlanes *dmabuf, BufferState &state) const
{
	v4l2_buffer buf;
	v4l2_plane planes[VIDEO_MAX_PLANES] = {};
	fillBuffer(buf, planes, type, index, memory, dmabuf);
	int ret = ioctl(request, &buf);
	if (ret == 0)
		readBuffer(buf, state);
	return ret;
}

int VideoDevice::queryBuffer(uint32_t type, uint32_t index, uint32_t memory,
			     BufferState &state) const
{
	return bufferIoctl(VIDIOC_QUERYBUF, type, index, memory, nullptr, state);
}

int VideoDevice::prepareBuffer(uint32_t type, uint32_t index, uint32_t memory,
			       const DmabufPlanes &dmabuf, BufferState &state) const
{
	return bufferIoctl(VIDIOC_PREPARE_BUF, type, index, memory, &dmabuf, state);
}

int VideoDevice::queueBuffer(uint32_t type, uint32_t index, uint32_t memory,
			     const DmabufPlanes &dmabuf, BufferState &state) const
{
	return bufferIoctl(VIDIOC_QBUF, type, index, memory, &dmabuf, state);
}

int VideoDevice::dequeueBuffer(uint32_t type, uint32_t memory, BufferState &state) const
{
	return bufferIoctl(VIDIOC_DQBUF, type, 0, memory, nullptr, state);
}

int VideoDevice::streamOn(uint32_t type) const
{
	int arg = static_cast<int>(type);
	return ioctl(VIDIOC_STREAMON, &arg);
}

int VideoDevice::streamOff(uint32_t type) const
{
	int arg = static_cast<int>(type);
	return ioctl(VIDIOC_STREAMOFF, &arg);
}

Result<uint32_t> VideoDevice::currentInput() const
{
	int input = 0;
	int ret = ioctl(VIDIOC_G_INPUT, &input);
	/* Nodes with a single fixed input need not implement the ioctl. */
	if (ret == -ENOTTY)
		return 0u;
	if (ret < 0)
		return error(-ret, "VIDIOC_G_INPUT");
	return static_cast<uint32_t>(input);
}

Result<void> VideoDevice::setInput(uint32_t index)
{
	int input = static_cast<int>(index);
	int ret = ioctl(VIDIOC_S_INPUT, &input);
	if (ret < 0)
		return error(-ret, "VIDIOC_S_INPUT(" + std::to_string(index) + ")");
	return {};
}

bool VideoDevice::inputHasDvTimings(uint32_t index) const
{
	v4l2_input input = {};
	input.index = index;
	return ioctl(VIDIOC_ENUMINPUT, &input) == 0 &&
	       (input.capabilities & V4L2_IN_CAP_DV_TIMINGS);
}

Result<v4l2_dv_timings> VideoDevice::queryDvTimings() const
{
	v4l2_dv_timings timings = {};
	int ret = ioctl(VIDIOC_QUERY_DV_TIMINGS, &timings);
	if (ret < 0)
		return error(-ret, "VIDIOC_QUERY_DV_TIMINGS");
	return timings;
}

Result<void> VideoDevice::setDvTimings(const v4l2_dv_timings &timings)
{
	v4l2_dv_timings copy = timings;
	int ret = ioctl(VIDIOC_S_DV_TIMINGS, &copy);
	if (ret < 0)
		return error(-ret, "VIDIOC_S_DV_TIMINGS(" + std::to_string(timings.bt.width) + "x" +
					   std::to_string(timings.bt.height) + ")");
	return {};
}

int VideoDevice::subscribeEvent(uint32_t type, uint32_t id) const
{
	v4l2_event_subscription sub = {};
	sub.type = type;
	sub.id = id;
	return ioctl(VIDIOC_SUBSCRIBE_EVENT, &sub);
}

int VideoDevice::dequeueEvent(v4l2_event &event) const
{
	event = {};
	return ioctl(VIDIOC_DQEVENT, &event);
}

Result<ControlInfo> VideoDevice::findControl(std::string_view name) const
{
	std::string wanted = controlKey(name);
	v4l2_query_ext_ctrl query = {};
	query.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
	for (;;) {
		int ret = ioctl(VIDIOC_QUERY_EXT_CTRL, &query);
		/* EINVAL after the last control ends the walk. */
		if (ret == -EINVAL)
			break;
		if (ret < 0)
			return error(-ret, "VIDIOC_QUERY_EXT_CTRL");
		if (query.type != V4L2_CTRL_TYPE_CTRL_CLASS &&
		    !(query.flags & V4L2_CTRL_FLAG_DISABLED) &&
		    controlKey(reinterpret_cast<const char *>(query.name)) == wanted)
			return ControlInfo{query.id,	  query.type,	 query.name,
					   query.minimum, query.maximum, query.flags};
		query.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
	}
	return Error::fromErrno(ENOENT,
				describe() + " has no control named \"" + std::string(name) + "\"");
}

Result<void> VideoDevice::setControl(std::string_view name, int64_t value)
{
	Result<ControlInfo> info = findControl(name);
	if (!info)
		return std::move(info).error();

	v4l2_ext_control ctrl = {};
	ctrl.id = info->id;
	switch (info->type) {
	case V4L2_CTRL_TYPE_INTEGER64:
		ctrl.value64 = value;
		break;
	case V4L2_CTRL_TYPE_INTEGER:
	case V4L2_CTRL_TYPE_BOOLEAN:
	case V4L2_CTRL_TYPE_MENU:
	case V4L2_CTRL_TYPE_INTEGER_MENU:
	case V4L2_CTRL_TYPE_BITMASK:
	case V4L2_CTRL_TYPE_BUTTON:
		ctrl.value = static_cast<int32_t>(value);
		break;
	default:
		return Error::fromErrno(ENOTSUP, "control \"" + info->name + "\" of " + describe() +
							 " is of type " +
							 std::to_string(info->type) +
							 ", not a single number");
	}

	v4l2_ext_controls ctrls = {};
	ctrls.which = V4L2_CTRL_ID2WHICH(info->id);
	ctrls.count = 1;
	ctrls.controls = &ctrl;
	int ret = ioctl(VIDIOC_S_EXT_CTRLS, &ctrls);
	if (ret < 0)
		return error(-ret,
			     "setting control \"" + info->name + "\" to " + std::to_string(value));
	return {};
}

} /* namespace primecam */
