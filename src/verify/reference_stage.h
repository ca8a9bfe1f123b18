/* SPDX-License-Identifier: MIT */
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "pipeline/stage.h"
#include "pipeline/stages/image_view.h"
#include "pipeline/stages/mapped_buffers.h"

namespace primecam {

/*
 * Keeps a copy of the last few frames the camera delivered, by sequence
 * number, so that what the display shows can be compared with what was
 * captured for the frame it says is on screen: by then the capture buffer
 * is long back in the camera or, in a broken pipeline, overwritten while on
 * screen, and a comparison with its current bytes would pass. An analysis
 * stage, first in the chain: the frame itself goes on in its own buffer, so
 * the path under test stays what it is. Its copies are verify's (and the
 * tests'), counted as the stage's processed frames, never as the path's.
 */
class ReferenceStage : public Stage
{
public:
	/* slots: how many frames back the display may lag (a GL pass under
	 * emulation takes several capture intervals). */
	explicit ReferenceStage(size_t slots = 8) : slots_(slots) {}

	std::string describe() const override { return "reference copy"; }
	Kind kind() const override { return Kind::Analysis; }
	/* Every colour plane is kept, one after the other, each with the
	 * producer's stride: plane 0 first, so a one-plane frame's bytes are
	 * its lines as the producer wrote them. */
	Result<void> configure(std::span<const FrameBuffer> input) override;
	int process(const FrameBuffer &in, const FrameMetadata &metadata, const FrameBuffer *,
		    StageWork &work) override;

	/* The input of frame `sequence`, if still kept (the latest, should
	 * the camera have repeated the number). */
	const std::vector<uint8_t> *frame(uint64_t sequence);
	/* Every kept input numbered `sequence`, newest first: one, unless the
	 * camera repeated the number (vivid can). */
	std::vector<const std::vector<uint8_t> *> frames(uint64_t sequence);
	/* The same as images of every plane (valid while the slot is not
	 * reused: copy what must outlive the next frames). */
	std::optional<ImageView> view(uint64_t sequence);
	std::vector<ImageView> views(uint64_t sequence);
	uint32_t stride() const { return stride_; }
	uint32_t width() const { return layout_.width; }
	uint32_t height() const { return layout_.height; }
	/* The mean interval between the capture times of the frames kept so
	 * far (the camera's own clock, whatever rate it was asked for); 0
	 * before two frames. */
	int64_t framePeriodNs();
	/* The last frame's capture time marked the start of its exposure. */
	bool startOfExposure();
	/* The frames' format and encoding, as the producer described them. */
	const FrameBuffer &layout() const { return layout_; }

private:
	struct Slot {
		uint64_t sequence = UINT64_MAX;
		std::vector<uint8_t> bytes;
	};

	/* Under mutex_: the kept slots numbered sequence, newest first. */
	std::vector<Slot *> numbered(uint64_t sequence);
	ImageView viewOf(Slot &slot) const;

	MappedBuffers maps_;
	FrameBuffer layout_;
	std::vector<Slot> slots_;
	std::array<size_t, 3> planeStart_ = {}; /* in a slot's bytes */
	uint32_t stride_ = 0;
	size_t next_ = 0;     /* frames kept so far */
	int64_t firstNs_ = 0; /* capture times of the first and last of them */
	int64_t lastNs_ = 0;
	bool startOfExposure_ = false;
	std::mutex mutex_;
};

} /* namespace primecam */
