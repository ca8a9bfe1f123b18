/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "base/result.h"

namespace primecam {

class Card;

/*
 * What `primecam list` prints for a card: connectors (name as KmsSinkConfig
 * takes it, status, modes), CRTCs, planes (id, type, formats by name or
 * fourcc, modifiers, where they are now) and writeback connectors with
 * their formats. Sets the atomic, universal-plane and writeback client caps
 * on the card's fd first: without them the kernel hides primary and cursor
 * planes and writeback connectors.
 */
Result<std::string> describeCard(const Card &card);

} /* namespace primecam */
