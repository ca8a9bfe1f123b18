/* SPDX-License-Identifier: MIT */
#include "pipeline/import_quirks.h"

namespace primecam {

namespace {

struct ImportQuirk {
	const char *driver;
	PoolConsumer consumer;
	const char *exporter;
	const char *reason;
};

/*
 * udmabuf pages are plain shmem pages that no device allocated: vkms
 * imports them but vmaps every framebuffer in prepare_fb to compose it,
 * which udmabuf does not offer on 6.1, and vivid's vb2-vmalloc queue cannot
 * map them at all.
 */
constexpr ImportQuirk kQuirks[] = {
	{"vkms", PoolConsumer::KmsScanout, "udmabuf",
	 "vkms cannot scan out udmabuf buffers (its atomic commit fails with EINVAL on Linux "
	 "6.1: vkms maps every framebuffer into the kernel (vmap) to compose it, and udmabuf "
	 "buffers cannot be vmapped); allocate from the card's dumb buffers or the dma-heap "
	 "instead: pool = \"dumb\" or \"dma-heap\""},
	{"vivid", PoolConsumer::V4l2Capture, "udmabuf",
	 "vivid cannot capture into udmabuf buffers (VIDIOC_QBUF fails with EFAULT on Linux 6.1); "
	 "its vb2-vmalloc queue cannot map them: use pool = \"dumb\" or \"dma-heap\""},
};

} /* namespace */

std::optional<std::string> importRefusal(std::string_view driver, PoolConsumer consumer,
					 std::string_view exporter)
{
	for (const ImportQuirk &quirk : kQuirks)
		if (driver == quirk.driver && consumer == quirk.consumer &&
		    exporter == quirk.exporter)
			return quirk.reason;
	return std::nullopt;
}

std::optional<std::string> poolRefusal(PoolKind kind, PoolConsumer consumer,
				       std::string_view driver)
{
	switch (kind) {
	case PoolKind::Udmabuf:
		return importRefusal(driver, consumer, "udmabuf");
	case PoolKind::DmaHeap:
		return importRefusal(driver, consumer, "system");
	case PoolKind::Dumb:
		break;
	}
	return std::nullopt;
}

} /* namespace primecam */
