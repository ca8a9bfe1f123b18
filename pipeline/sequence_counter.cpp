/* SPDX-License-Identifier: MIT */
#include "pipeline/sequence_counter.h"

namespace primecam {

void SequenceCounter::reset()
{
	started_ = false;
	last_ = 0;
	wraps_ = 0;
	base_ = 0;
	lastExtended_ = 0;
}

void SequenceCounter::continueAfterRestart()
{
	if (started_)
		base_ = lastExtended_ + 1;
	started_ = false;
	last_ = 0;
	wraps_ = 0;
}

uint64_t SequenceCounter::extend(uint32_t sequence)
{
	if (started_ && sequence < last_)
		++wraps_;
	started_ = true;
	last_ = sequence;
	lastExtended_ = base_ + ((wraps_ << 32) | sequence);
	return lastExtended_;
}

} /* namespace primecam */
