/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <sys/types.h>

#include "base/result.h"

namespace primecam {

/*
 * The owner of one v4l2_mmap() of a libv4l2 capture buffer, unmapped with
 * v4l2_munmap. While libv4l2 converts, the "buffer" is a slice of its own
 * conversion memory, not the driver's: munmap() would tear a hole in it, and
 * libv4l2 counts the mappings (it refuses REQBUFS while any is left). When it
 * passes the device's format through unchanged, the mapping is the driver's
 * buffer and v4l2_munmap unmaps it. Made once per buffer at configure time;
 * move-only; must go before the Libv4l2Fd it came from.
 */
class Libv4l2Mapping
{
public:
	Libv4l2Mapping() = default;
	~Libv4l2Mapping() { reset(); }
	Libv4l2Mapping(Libv4l2Mapping &&other) noexcept;
	Libv4l2Mapping &operator=(Libv4l2Mapping &&other) noexcept;
	Libv4l2Mapping(const Libv4l2Mapping &) = delete;
	Libv4l2Mapping &operator=(const Libv4l2Mapping &) = delete;

	/* v4l2_mmap(PROT_READ, MAP_SHARED) of length bytes at offset (both from
	 * VIDIOC_QUERYBUF through v4l2_ioctl). */
	static Result<Libv4l2Mapping> map(int fd, size_t length, off_t offset);

	std::span<const uint8_t> data() const
	{
		return {static_cast<const uint8_t *>(addr_), length_};
	}
	bool isValid() const { return addr_ != nullptr; }

	void reset() noexcept;

private:
	void *addr_ = nullptr;
	size_t length_ = 0;
};

} /* namespace primecam */
