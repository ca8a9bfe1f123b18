/* SPDX-License-Identifier: MIT */
#pragma once

/* Counters and checks that several device tests share: leaks are measured
 * the same way everywhere, and pixels are compared the same way. */

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/image.h"
#include "base/result.h"
#include "drm/kms_sink_config.h"

namespace primecam::test {

/* Open fds of this process (/proc/self/fd, less the directory's own). */
int openFdCount();
/*
 * Buffer mappings of this process: the lines of /proc/self/maps backed by a
 * device node (V4L2 MMAP, DRM dumb buffers), a dma-buf or a memfd, which is
 * what primecam maps. Anonymous memory is left out: the heap, and under
 * AddressSanitizer its allocator, maps more as a run goes on.
 */
int mappingCount();
/* Framebuffers on a DRM card, all clients (debugfs dri/MINOR/framebuffer). */
int framebufferCount(unsigned minor);

/* Sets a control of the V4L2 node at path through a node of its own, as a
 * second application would while the stream runs on another fd (vivid's
 * fault injection: "Inject Fatal Streaming Error", "Percentage of Dropped
 * Buffers", ...). */
Result<void> setDeviceControl(const std::string &path, std::string_view control, int64_t value);

/* A KMS sink on vkms (the VM's display), full-screen primary by default. */
KmsSinkConfig
vkmsSinkConfig(KmsSinkConfig::Plane plane = KmsSinkConfig::Plane::Primary,
	       KmsSinkConfig::Placement placement = KmsSinkConfig::Placement::Fullscreen);

/*
 * Compares an XRGB8888 image at (x0, y0) with an XRGB8888 buffer exactly,
 * ignoring the X byte (undefined by the format), through verify's
 * comparePixels; returns the number of differing pixels (a part of the
 * buffer outside the image differs) and describes them in *first.
 */
size_t compareXrgb(const Image &image, uint32_t x0, uint32_t y0, const std::vector<uint8_t> &buffer,
		   uint32_t stride, uint32_t width, uint32_t height, std::string *first = nullptr);

} /* namespace primecam::test */
