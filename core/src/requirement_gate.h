/* SPDX-License-Identifier: MIT */
// The gate before any attempt: a requirement this machine does not meet makes a result
// "cannot run" with the reason, stated up front rather than discovered by a crash.
#pragma once

#include <string>

#include "inventory.h"
#include "profile.h"

namespace benchlab {

// Why a requirement is unmet on this machine ("ngspice not found on PATH (apt-get install
// ngspice)"), or "" when met.
std::string unmet_requirement(const Requirement& r, const Inventory& inv);

}  // namespace benchlab
