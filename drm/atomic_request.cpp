/* SPDX-License-Identifier: MIT */
#include "drm/atomic_request.h"

#include <cerrno>

#include <xf86drm.h>

namespace primecam {

namespace {

/* Room for a full modeset (connectors, CRTC, a few planes of ~10 properties)
 * from the start, so even the first frames do not grow the arrays. */
constexpr size_t kReserve = 64;

} /* namespace */

AtomicRequest::AtomicRequest(IoctlFn ioctlFn) : ioctl_(ioctlFn ? ioctlFn : &drmIoctl)
{
	items_.reserve(kReserve);
	objects_.reserve(kReserve);
	counts_.reserve(kReserve);
	props_.reserve(kReserve);
	values_.reserve(kReserve);
}

void AtomicRequest::clear()
{
	items_.clear();
}

int AtomicRequest::add(uint32_t object, uint32_t property, uint64_t value)
{
	if (!property)
		return -ENOENT;
	items_.push_back({object, property, value});
	return 0;
}

int AtomicRequest::commit(int cardFd, uint32_t flags, uint64_t userData)
{
	objects_.clear();
	counts_.clear();
	props_.clear();
	values_.clear();
	/* Group by object in order of first appearance, keeping the order of
	 * each object's properties (a property set twice: the last one wins,
	 * as the kernel applies them in order). Quadratic, but a request has
	 * at most a few dozen properties and this allocates nothing. */
	for (size_t i = 0; i < items_.size(); ++i) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; ++j)
			seen = items_[j].object == items_[i].object;
		if (seen)
			continue;
		uint32_t count = 0;
		for (size_t j = i; j < items_.size(); ++j) {
			if (items_[j].object != items_[i].object)
				continue;
			props_.push_back(items_[j].property);
			values_.push_back(items_[j].value);
			++count;
		}
		objects_.push_back(items_[i].object);
		counts_.push_back(count);
	}

	drm_mode_atomic atomic = {};
	atomic.flags = flags;
	atomic.count_objs = static_cast<uint32_t>(objects_.size());
	atomic.objs_ptr = reinterpret_cast<uintptr_t>(objects_.data());
	atomic.count_props_ptr = reinterpret_cast<uintptr_t>(counts_.data());
	atomic.props_ptr = reinterpret_cast<uintptr_t>(props_.data());
	atomic.prop_values_ptr = reinterpret_cast<uintptr_t>(values_.data());
	atomic.user_data = userData;
	if (ioctl_(cardFd, DRM_IOCTL_MODE_ATOMIC, &atomic) < 0)
		return -errno;
	return 0;
}

} /* namespace primecam */
