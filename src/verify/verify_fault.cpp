/* SPDX-License-Identifier: MIT */
#include "src/verify/verify_fault.h"

namespace primecam {

namespace {

constexpr struct {
	VerifyFault fault;
	const char *name;
} kFaults[] = {
	{VerifyFault::None, "none"},
	{VerifyFault::ChromaOffset, "chroma-offset"},
	{VerifyFault::EarlyRequeue, "early-requeue"},
	{VerifyFault::WrongMatrix, "wrong-matrix"},
};

} /* namespace */

std::optional<VerifyFault> verifyFaultByName(std::string_view name)
{
	for (const auto &entry : kFaults)
		if (name == entry.name)
			return entry.fault;
	return std::nullopt;
}

const char *verifyFaultName(VerifyFault fault)
{
	for (const auto &entry : kFaults)
		if (entry.fault == fault)
			return entry.name;
	return "none";
}

} /* namespace primecam */
