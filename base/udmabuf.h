/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>

#include "base/dma_buf.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * udmabuf (/dev/udmabuf) turns the pages of a sealed memfd into a dma-buf.
 * The memfd stays a second door to the same pages, which makes udmabuf the
 * one exporter whose contents the CPU can check without the dma-buf path.
 * Not every importer takes one: on Linux 6.1 vkms refuses to scan it out and
 * vivid cannot capture into it (QBUF fails with EFAULT).
 */
class Udmabuf
{
public:
	static Result<Udmabuf> allocate(size_t size);

	const DmaBuf &buffer() const { return buffer_; }
	int memfd() const { return memfd_.get(); }
	size_t size() const { return buffer_.size(); }

private:
	UniqueFd memfd_;
	DmaBuf buffer_;
};

} /* namespace primecam */
