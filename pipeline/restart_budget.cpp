/* SPDX-License-Identifier: MIT */
#include "pipeline/restart_budget.h"

namespace primecam {

bool RestartBudget::admit(int64_t nowNs)
{
	const int64_t windowNs = static_cast<int64_t>(policy_.windowS) * 1'000'000'000;
	while (!times_.empty() && nowNs - times_.front() >= windowNs)
		times_.pop_front();
	if (times_.size() >= policy_.limit)
		return false;
	times_.push_back(nowNs);
	return true;
}

} /* namespace primecam */
