/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

namespace primecam {

class VideoDevice;

/*
 * What `primecam list` prints about V4L2: every /dev/video* capture node with
 * its driver, card, bus and capture API, each format (primecam's name for it,
 * or the bare fourcc when primecam does not handle it), its frame sizes, and
 * the frame intervals at the first size. Nodes that cannot be opened are
 * listed with the reason; other nodes (output, metadata, memory-to-memory)
 * are left out.
 */
std::string describeVideoNodes();

/* The same for one open node (both APIs when it offers both). */
std::string describeVideoNode(const VideoDevice &dev);

} /* namespace primecam */
