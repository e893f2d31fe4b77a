// SPDX-License-Identifier: MIT
// The power reading of a server's BMC as `ipmitool dcmi power reading` prints it:
//
//     Instantaneous power reading:                   123 Watts
//     Minimum during sampling period:                 98 Watts
//     ...
//     Power reading state is:                   activated
#pragma once

#include <optional>
#include <string_view>

namespace wall {

// [any] The instantaneous watts of ipmitool's output; nullopt when the line is missing or
// not a number, or when the BMC says the power reading is deactivated (then it reports 0).
std::optional<double> parse_dcmi_power_reading(std::string_view output);

}  // namespace wall
