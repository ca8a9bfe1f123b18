/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <sys/types.h>

#include "base/result.h"

namespace primecam {

/*
 * The single owner of an mmap() of a file (a dma-buf, a dumb buffer, a V4L2
 * MMAP plane). Move-only; unmaps on destruction. Mappings are made once per
 * buffer at configure time and reused: mmap in the streaming path costs page
 * faults and TLB shootdowns every frame.
 */
class Mapping
{
public:
	enum Access {
		Read = 1,
		Write = 2,
		ReadWrite = Read | Write
	};

	Mapping() = default;
	~Mapping() { reset(); }
	Mapping(Mapping &&other) noexcept;
	Mapping &operator=(Mapping &&other) noexcept;
	Mapping(const Mapping &) = delete;
	Mapping &operator=(const Mapping &) = delete;

	/* MAP_SHARED mapping of length bytes of fd from offset; what names the
	 * object in the error message. */
	static Result<Mapping> map(int fd, size_t length, Access access, off_t offset = 0,
				   std::string_view what = "buffer");

	std::span<uint8_t> data() const { return {static_cast<uint8_t *>(addr_), length_}; }
	size_t size() const { return length_; }
	bool isValid() const { return addr_ != nullptr; }

	void reset() noexcept;

private:
	Mapping(void *addr, size_t length) : addr_(addr), length_(length) {}

	void *addr_ = nullptr;
	size_t length_ = 0;
};

} /* namespace primecam */
