/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <linux/videodev2.h>

#include "base/dma_buf.h"
#include "base/frame_layout.h"
#include "base/result.h"
#include "pipeline/frame.h"

namespace primecam {

/*
 * The FrameBuffer of one V4L2 buffer: its colour planes (fd, offset, stride)
 * from the layout the kernel gave and the dma-bufs of its memory planes,
 * each colour plane's offset moved by its memory plane's data_offset (what
 * PREPARE_BUF reported). V4L2 has no modifiers: its memory is linear. EINVAL
 * naming `what` when a plane runs past the end of its dma-buf.
 */
Result<FrameBuffer> v4l2FrameBuffer(const FrameLayout &layout, uint32_t index,
				    const std::array<DmaBuf, VIDEO_MAX_PLANES> &planes,
				    const std::array<uint32_t, VIDEO_MAX_PLANES> &dataOffset,
				    const std::string &what);

} /* namespace primecam */
