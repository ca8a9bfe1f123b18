/* SPDX-License-Identifier: MIT */
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <sys/types.h>

#include "base/result.h"
#include "base/unique_fd.h"

namespace primecam {

/*
 * The identity of a buffer, stable across dup(), SCM_RIGHTS and re-export:
 * the inode of the dma-buf's anonymous file. Fd numbers are not identities:
 * the same buffer arrives under a new number after every EXPBUF or dup, and a
 * closed number is reused for a different buffer at once.
 */
struct BufferId {
	dev_t device = 0;
	ino_t inode = 0;

	auto operator<=>(const BufferId &) const = default;
	bool isValid() const { return inode != 0; }
};

/* The identity of the file behind fd, or an error naming it. */
Result<BufferId> bufferIdOf(int fd);

/* The dma-buf's exporter ("udmabuf", "system", "vkms"...), from its fdinfo
 * (exp_name); empty when fd is not a dma-buf or the kernel does not say. */
std::string dmaBufExporter(int fd);

/*
 * The owner of one dma-buf fd: its size and identity are read once, when it
 * is adopted. A memfd is accepted as well (the fd/RAII tests use one, and
 * udmabuf turns one into a dma-buf); isDmaBuf() tells which it is.
 */
class DmaBuf
{
public:
	DmaBuf() = default;

	/* Takes ownership; reads the size (lseek SEEK_END, the only size query
	 * dma-buf offers) and the identity (fstat). */
	static Result<DmaBuf> adopt(UniqueFd fd);

	int fd() const { return fd_.get(); }
	size_t size() const { return size_; }
	BufferId id() const { return id_; }
	bool isDmaBuf() const { return isDmaBuf_; }
	bool isValid() const { return fd_.isValid(); }

	/* A second owner of the same buffer (same id). */
	Result<DmaBuf> dup() const;

	/* Gives up the fd (e.g. to hand it to another owner). */
	UniqueFd release();

private:
	UniqueFd fd_;
	size_t size_ = 0;
	BufferId id_;
	bool isDmaBuf_ = false;
};

} /* namespace primecam */

template<>
struct std::hash<primecam::BufferId> {
	size_t operator()(const primecam::BufferId &id) const noexcept
	{
		return std::hash<uint64_t>()(static_cast<uint64_t>(id.inode) * 31 +
					     static_cast<uint64_t>(id.device));
	}
};
