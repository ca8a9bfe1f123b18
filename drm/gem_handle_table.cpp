/* SPDX-License-Identifier: MIT */
#include "drm/gem_handle_table.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <xf86drm.h>

namespace primecam {

GemHandle::GemHandle(GemHandle &&other) noexcept
	: table_(std::exchange(other.table_, nullptr)), handle_(std::exchange(other.handle_, 0))
{}

GemHandle &GemHandle::operator=(GemHandle &&other) noexcept
{
	if (this != &other) {
		reset();
		table_ = std::exchange(other.table_, nullptr);
		handle_ = std::exchange(other.handle_, 0);
	}
	return *this;
}

void GemHandle::reset() noexcept
{
	if (table_ && handle_)
		table_->release(handle_);
	table_ = nullptr;
	handle_ = 0;
}

namespace {

int primeImport(int cardFd, int dmaBufFd, uint32_t *handle)
{
	return drmPrimeFDToHandle(cardFd, dmaBufFd, handle);
}

int closeHandle(int cardFd, uint32_t handle)
{
	return drmCloseBufferHandle(cardFd, handle);
}

} /* namespace */

GemHandleTable::GemHandleTable(int cardFd, std::string cardName, ImportFn importFn, CloseFn closeFn)
	: cardFd_(cardFd), cardName_(std::move(cardName)),
	  import_(importFn ? importFn : &primeImport), close_(closeFn ? closeFn : &closeHandle)
{}

GemHandleTable::~GemHandleTable()
{
	if (!refs_.empty()) {
		std::fprintf(stderr,
			     "primecam: BUG: %zu GEM handle(s) of %s still referenced when "
			     "their table goes\n",
			     refs_.size(), cardName_.c_str());
		std::abort();
	}
}

Result<GemHandle> GemHandleTable::import(int dmaBufFd, const std::string &what)
{
	uint32_t handle = 0;
	if (import_(cardFd_, dmaBufFd, &handle) < 0)
		return Error::fromErrno(errno, "PRIME import of " + what + " into " + cardName_);
	++refs_[handle];
	return GemHandle(this, handle);
}

uint32_t GemHandleTable::references(uint32_t handle) const
{
	auto it = refs_.find(handle);
	return it == refs_.end() ? 0 : it->second;
}

void GemHandleTable::release(uint32_t handle) noexcept
{
	auto it = refs_.find(handle);
	if (it == refs_.end())
		return;
	if (--it->second != 0)
		return;
	refs_.erase(it);
	/* Nothing to do about a failure: the handle is gone from the table
	 * either way, and the file's handles all close with the card fd. */
	close_(cardFd_, handle);
}

} /* namespace primecam */
