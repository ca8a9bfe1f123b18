/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/dma_buf.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * A dma-heap (/dev/dma_heap/NAME): the kernel's generic dma-buf allocator,
 * not tied to any device. The "system" heap hands out page-backed buffers
 * that V4L2 DMABUF capture and most KMS drivers import.
 */
class DmaHeap
{
public:
	static Result<DmaHeap> open(std::string_view name = "system");

	Result<DmaBuf> allocate(size_t size) const;
	const std::string &path() const { return path_; }

	/* "system heap (/dev/dma_heap/system)"-style name for messages. */
	std::string describe() const { return "dma-heap " + path_; }

private:
	UniqueFd fd_;
	std::string path_;
};

} /* namespace primecam */
