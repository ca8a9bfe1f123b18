/* SPDX-License-Identifier: MIT */
#include "pipeline/pool_support.h"

namespace primecam {

const char *poolKindName(PoolKind kind)
{
	switch (kind) {
	case PoolKind::Dumb:
		return "dumb";
	case PoolKind::DmaHeap:
		return "dma-heap";
	case PoolKind::Udmabuf:
		return "udmabuf";
	}
	return "?";
}

std::optional<std::string> poolRefusal(PoolKind kind, PoolConsumer consumer,
				       std::string_view driver)
{
	if (kind != PoolKind::Udmabuf)
		return std::nullopt;
	/*
	 * udmabuf pages are plain shmem pages that no device allocated. vkms
	 * imports them (PRIME succeeds) but its commit fails with EINVAL, and
	 * vivid's vb2-vmalloc queue cannot map them (QBUF fails with EFAULT).
	 */
	if (consumer == PoolConsumer::KmsScanout && driver == "vkms")
		return "vkms cannot scan out udmabuf buffers (its atomic commit fails with EINVAL "
		       "on Linux 6.1); use pool = \"dumb\" or \"dma-heap\"";
	if (consumer == PoolConsumer::V4l2Capture && driver == "vivid")
		return "vivid cannot capture into udmabuf buffers (VIDIOC_QBUF fails with EFAULT "
		       "on Linux 6.1); use pool = \"dumb\" or \"dma-heap\"";
	return std::nullopt;
}

} /* namespace primecam */
