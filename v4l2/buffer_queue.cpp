/* SPDX-License-Identifier: MIT */
#include "v4l2/buffer_queue.h"

#include <algorithm>
#include <cerrno>
#include <string>

namespace primecam {

Result<uint32_t> BufferQueue::request(VideoDevice &device, uint32_t type, uint32_t count,
				      uint32_t memory)
{
	release();
	device_ = &device;
	type_ = type;
	memory_ = memory;
	Result<uint32_t> granted = device.requestBuffers(type, count, memory);
	if (!granted)
		return granted;
	requested_ = true;
	if (*granted == 0)
		return Error::fromErrno(ENOMEM, device.describe() + " granted no buffers for " +
							std::to_string(count) + " asked");
	/* Sized once: nothing grows while streaming. */
	queued_.assign(*granted, false);
	return granted;
}

void BufferQueue::release()
{
	if (requested_ && device_)
		(void)device_->requestBuffers(type_, 0, memory_);
	requested_ = false;
	queued_.clear();
}

uint32_t BufferQueue::queuedCount() const
{
	return static_cast<uint32_t>(std::count(queued_.begin(), queued_.end(), true));
}

Result<DmaBuf> BufferQueue::exportPlane(uint32_t index, uint32_t plane)
{
	return device_->exportBuffer(type_, index, plane);
}

int BufferQueue::query(uint32_t index, BufferState &state) const
{
	return device_->queryBuffer(type_, index, memory_, state);
}

int BufferQueue::prepare(uint32_t index, const DmabufPlanes &planes, BufferState &state) const
{
	return device_->prepareBuffer(type_, index, memory_, planes, state);
}

int BufferQueue::queue(uint32_t index, const DmabufPlanes &planes, BufferState &state)
{
	int ret = device_->queueBuffer(type_, index, memory_, planes, state);
	if (ret == 0)
		queued_[index] = true;
	return ret;
}

int BufferQueue::dequeue(BufferState &state)
{
	int ret = device_->dequeueBuffer(type_, memory_, state);
	if (ret < 0)
		return ret;
	if (state.index >= queued_.size() || !queued_[state.index])
		return -EPROTO;
	queued_[state.index] = false;
	return 0;
}

Error BufferQueue::notGivenError(uint32_t index) const
{
	return Error::fromErrno(EPROTO, device_->describe() + " returned buffer " +
						std::to_string(index) + ", which it was not given");
}

int BufferQueue::streamOn() const
{
	return device_->streamOn(type_);
}

void BufferQueue::streamOff()
{
	/* A lost device answers ENODEV: nothing is queued there any more
	 * either. */
	if (device_)
		(void)device_->streamOff(type_);
	queued_.assign(queued_.size(), false);
}

} /* namespace primecam */
