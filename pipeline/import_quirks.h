/* SPDX-License-Identifier: MIT */
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/pool_kind.h"

namespace primecam {

/* Who imports a dma-buf. */
enum class PoolConsumer {
	KmsScanout,  /* a KMS plane (drmPrimeFDToHandle + ADDFB2) */
	V4l2Capture, /* a V4L2 capture queue (V4L2_MEMORY_DMABUF) */
};

/*
 * The one table of what a driver imports but cannot use (driver x exporter x
 * consumer -> reason), measured on Linux 6.1. The import itself succeeds
 * (PRIME, ADDFB2, even a TEST_ONLY commit; QBUF's checks), and the failure
 * comes much later (the first real commit, the first capture): so the
 * pools, the kms sink and the doctor all ask here first and refuse up
 * front, with the reason. A pair not listed is given the benefit of the
 * doubt (and fails with its own errno if it must).
 *
 * exporter is the dma-buf's exporter name, as the kernel gives it in
 * /proc/self/fdinfo (exp_name): "udmabuf", "system" (the dma-heap), the
 * card's driver for dumb buffers.
 */
std::optional<std::string> importRefusal(std::string_view driver, PoolConsumer consumer,
					 std::string_view exporter);

/* importRefusal() for the buffers a pool of this kind would make; a dumb
 * pool's exporter is a card, which nothing here refuses. */
std::optional<std::string> poolRefusal(PoolKind kind, PoolConsumer consumer,
				       std::string_view driver);

} /* namespace primecam */
