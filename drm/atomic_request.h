/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace primecam {

/*
 * An atomic commit being built: (object, property, value) triples, issued
 * with DRM_IOCTL_MODE_ATOMIC. Made once and reused: clear() forgets the
 * properties but keeps every array's capacity, so the per-frame commit (one
 * property: the plane's FB_ID) allocates nothing in the steady state. (This
 * is why it does not wrap libdrm's drmModeAtomicReq, whose commit duplicates,
 * sorts and mallocs the request every time.)
 */
class AtomicRequest
{
public:
	/* The ioctl: drmIoctl by default (0 or -1 with errno); replaceable so
	 * that tests can see the arrays the kernel would get. */
	using IoctlFn = int (*)(int fd, unsigned long request, void *arg);

	explicit AtomicRequest(IoctlFn ioctlFn = nullptr);

	/* Forgets every property, keeping the memory. */
	void clear();
	/* 0, or -ENOENT for property id 0: the object lacks the property,
	 * which the caller should have refused with a message earlier. */
	int add(uint32_t object, uint32_t property, uint64_t value);
	size_t size() const { return items_.size(); }

	/* DRM_IOCTL_MODE_ATOMIC with flags; userData comes back in the page
	 * flip event. 0 or -errno. */
	int commit(int cardFd, uint32_t flags, uint64_t userData = 0);

private:
	struct Item {
		uint32_t object;
		uint32_t property;
		uint64_t value;
	};

	IoctlFn ioctl_;
	std::vector<Item> items_;
	/* The ioctl's arrays: properties grouped by object, as the kernel
	 * wants them. Rebuilt from items_ by every commit, in place. */
	std::vector<uint32_t> objects_;
	std::vector<uint32_t> counts_;
	std::vector<uint32_t> props_;
	std::vector<uint64_t> values_;
};

} /* namespace primecam */
