/* SPDX-License-Identifier: MIT */
#include "pipeline/timestamp_check.h"

namespace primecam {

const char *timestampTrustName(TimestampTrust trust)
{
	switch (trust) {
	case TimestampTrust::Trusted:
		return "trusted";
	case TimestampTrust::NotMonotonic:
		return "not_monotonic";
	case TimestampTrust::InFuture:
		return "in_future";
	case TimestampTrust::TooOld:
		return "too_old";
	case TimestampTrust::Jumped:
		return "jumped";
	case TimestampTrust::Count:
		break;
	}
	return "?";
}

TimestampTrust TimestampCheck::judge(int64_t timestampNs, int64_t nowNs)
{
	/* The bounds move with now, which is sane; the difference with an
	 * absurd timestamp (the values this exists to catch) could overflow. */
	if (timestampNs > nowNs + kFutureSlackNs)
		return TimestampTrust::InFuture;
	if (timestampNs < nowNs - kMaxAgeNs)
		return TimestampTrust::TooOld;
	/* From here timestampNs is within seconds of now, and so is the
	 * previous one: their difference cannot overflow. */
	if (previousNs_ &&
	    (timestampNs < *previousNs_ || timestampNs - *previousNs_ > kMaxStepNs)) {
		/* The new clock is the one to follow from here on: one jump
		 * costs one frame, not every frame after it. */
		previousNs_ = timestampNs;
		return TimestampTrust::Jumped;
	}
	previousNs_ = timestampNs;
	return TimestampTrust::Trusted;
}

} /* namespace primecam */
