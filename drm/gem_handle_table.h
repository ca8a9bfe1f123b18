/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "base/result.h"

namespace primecam {

class GemHandleTable;

/*
 * One reference to a GEM handle of a card, from GemHandleTable::import().
 * Move-only; letting go of the last reference closes the handle.
 */
class GemHandle
{
public:
	GemHandle() = default;
	~GemHandle() { reset(); }
	GemHandle(GemHandle &&other) noexcept;
	GemHandle &operator=(GemHandle &&other) noexcept;
	GemHandle(const GemHandle &) = delete;
	GemHandle &operator=(const GemHandle &) = delete;

	uint32_t get() const { return handle_; }
	explicit operator bool() const { return handle_ != 0; }
	void reset() noexcept;

private:
	friend class GemHandleTable;
	GemHandle(GemHandleTable *table, uint32_t handle) : table_(table), handle_(handle) {}

	GemHandleTable *table_ = nullptr;
	uint32_t handle_ = 0;
};

/*
 * The GEM handles one open card file holds for imported dma-bufs, counted.
 *
 * PRIME import is idempotent per file: importing a dma-buf that this file
 * already imported returns the same handle without taking a new reference
 * in the kernel. So two framebuffers made from one buffer (a second import
 * under another fd number, or two colour planes in one dma-buf) share one
 * handle, and closing it for the first framebuffer would pull the memory
 * from under the second. The table closes a handle once, when the last
 * GemHandle on it goes.
 *
 * Must outlive every GemHandle it gave out (a live reference at destruction
 * is a bug and aborts, like BufferSlots). The card fd is not owned.
 */
class GemHandleTable
{
public:
	/* drmPrimeFDToHandle and drmCloseBufferHandle by default; replaceable
	 * so that the counting can be tested without a device. Both return 0
	 * or -1 with errno set, like libdrm. */
	using ImportFn = int (*)(int cardFd, int dmaBufFd, uint32_t *handle);
	using CloseFn = int (*)(int cardFd, uint32_t handle);

	explicit GemHandleTable(int cardFd, std::string cardName, ImportFn importFn = nullptr,
				CloseFn closeFn = nullptr);
	~GemHandleTable();
	GemHandleTable(const GemHandleTable &) = delete;
	GemHandleTable &operator=(const GemHandleTable &) = delete;

	/* PRIME import of dmaBufFd; what names the buffer in the error. */
	Result<GemHandle> import(int dmaBufFd, const std::string &what);

	/* References held on handle (0: not open through this table). */
	uint32_t references(uint32_t handle) const;
	/* Distinct handles open. */
	size_t size() const { return refs_.size(); }

private:
	friend class GemHandle;
	void release(uint32_t handle) noexcept;

	int cardFd_;
	std::string cardName_;
	ImportFn import_;
	CloseFn close_;
	std::unordered_map<uint32_t, uint32_t> refs_;
};

} /* namespace primecam */
