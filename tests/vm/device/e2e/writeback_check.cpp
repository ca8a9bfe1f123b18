/* SPDX-License-Identifier: MIT */
#include "tests/vm/device/e2e/writeback_check.h"

#include <vector>

#include "tests/vm/device/device_util.h"

namespace primecam::test {

Result<size_t> writebackDiffersFromCapture(KmsSink &sink, ReferenceStage &tap, uint32_t x0,
					   uint32_t y0, std::string *first)
{
	Result<Image> image = sink.captureWriteback();
	if (!image)
		return std::move(image).error();
	/* After the writeback: it waited for any flip in flight, so the
	 * active frame is the one it read. */
	if (!sink.activeFrame())
		return Error{ENODATA, "no frame on screen"};
	uint64_t sequence = sink.activeFrame().metadata().sequence;
	std::vector<const std::vector<uint8_t> *> captured = tap.frames(sequence);
	if (captured.empty())
		return Error{ENOENT, "frame " + std::to_string(sequence) + " is no longer kept"};
	/* vivid may repeat a sequence number: the display showing either
	 * frame so numbered is right. */
	size_t fewest = SIZE_MAX;
	for (const std::vector<uint8_t> *bytes : captured) {
		std::string where;
		size_t diffs = compareXrgb(*image, x0, y0, *bytes, tap.stride(), tap.width(),
					   tap.height(), &where);
		if (diffs < fewest) {
			fewest = diffs;
			if (first)
				*first = "frame " + std::to_string(sequence) + ": " + where;
		}
	}
	return fewest;
}

} /* namespace primecam::test */
