/* SPDX-License-Identifier: MIT */
#pragma once

#include "base/result.h"
#include "pipeline/buffer_allocator.h"

namespace primecam {

/*
 * udmabufs from sealed memfds (pool = "udmabuf"): memory no device owns,
 * for consumers that import it (CPU stages, many GPUs). Checks at creation
 * that /dev/udmabuf can be opened, so a missing driver is reported before
 * streaming rather than at the first buffer.
 */
Result<BufferAllocator> makeUdmabufAllocator();

} /* namespace primecam */
