/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"
#include "pipeline/buffer_allocator.h"
#include "pipeline/pool_kind.h"

namespace primecam {

/*
 * The allocator of a pool kind, the one place a config's `pool` becomes
 * memory: dumb buffers on card (a path or a driver name), the system
 * dma-heap, or udmabufs. card is used by PoolKind::Dumb only.
 */
Result<BufferAllocator> makePoolAllocator(PoolKind kind, const std::string &card);

} /* namespace primecam */
