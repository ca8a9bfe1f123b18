/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace primecam {

/* Where a pool's dma-bufs come from (a config file's `pool` key). */
enum class PoolKind {
	Dumb,	 /* DRM dumb buffers on a card, exported */
	DmaHeap, /* /dev/dma_heap/system */
	Udmabuf, /* sealed memfds turned into dma-bufs by /dev/udmabuf */
};

/* "dumb", "dma-heap", "udmabuf": the config file's spelling. */
const char *poolKindName(PoolKind kind);

/* Who is going to import a pool's buffers. */
enum class PoolConsumer {
	KmsScanout,  /* a KMS plane (drmPrimeFDToHandle + ADDFB2) */
	V4l2Capture, /* a V4L2 capture queue (V4L2_MEMORY_DMABUF) */
};

/*
 * Why a consumer on `driver` cannot use buffers of this kind, or nullopt
 * when nothing is known against it. Checked when the pipeline is built, so
 * that a pool that would fail at the first commit or QBUF is refused up
 * front with the reason. The facts were measured on Linux 6.1; a driver not
 * listed is given the benefit of the doubt (and fails with its own errno if
 * it must).
 */
std::optional<std::string> poolRefusal(PoolKind kind, PoolConsumer consumer,
				       std::string_view driver);

} /* namespace primecam */
