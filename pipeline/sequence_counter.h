/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

namespace primecam {

/*
 * V4L2's v4l2_buffer.sequence is 32 bits and wraps (after 2^32 frames, or at
 * once with vivid's "Wrap Sequence Number" control), and so is libcamera's
 * frame sequence; FrameMetadata's is 64 bits so that gap counting never sees
 * a wrap as a jump backwards. The kernel restarts the count at STREAMON, so
 * reset() goes with every start.
 */
class SequenceCounter
{
public:
	void reset();
	/* The stream was restarted within a run (STREAMOFF, STREAMON after a
	 * driver error): the kernel counts from 0 again, and the frames
	 * continue after the last one delivered, with no gap and no wrap. */
	void continueAfterRestart();
	/* The 64-bit sequence of the next dequeued frame. A value lower than
	 * the last one is a wrap: frames only move forward within a stream. */
	uint64_t extend(uint32_t sequence);

private:
	bool started_ = false;
	uint32_t last_ = 0;
	uint64_t wraps_ = 0;
	/* The 64-bit sequence of the new stream's frame 0. */
	uint64_t base_ = 0;
	uint64_t lastExtended_ = 0;
};

} /* namespace primecam */
