/* SPDX-License-Identifier: MIT */
#pragma once

namespace primecam {

/* Where a pool's dma-bufs come from (a config file's `pool` key, for the
 * V4L2 source and for a converting stage alike). */
enum class PoolKind {
	Dumb,	 /* DRM dumb buffers on a card, exported */
	DmaHeap, /* /dev/dma_heap/system */
	Udmabuf, /* sealed memfds turned into dma-bufs by /dev/udmabuf */
};

/* "dumb", "dma-heap", "udmabuf": the config file's spelling. */
const char *poolKindName(PoolKind kind);

} /* namespace primecam */
