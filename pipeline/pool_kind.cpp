/* SPDX-License-Identifier: MIT */
#include "pipeline/pool_kind.h"

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

} /* namespace primecam */
