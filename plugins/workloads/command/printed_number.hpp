// SPDX-License-Identifier: MIT
// Reading a number the way benchmark programs print it: "6265.603", "-1.5e-3", "+42",
// "1,234,567.8" (commas as thousands separators), with surrounding blanks ignored.
#pragma once

#include <optional>
#include <string_view>

namespace benchlab::command {

// The value of `text`, or nullopt when it is not one finite number. Commas are accepted
// only as thousands separators in the integer part, in groups of exactly three digits
// ("1,234" but not "1,5" or "12,34"), because a decimal comma would silently read as a
// value a thousand times too large. "inf", "nan" and hexadecimal are rejected.
std::optional<double> parse_printed_number(std::string_view text);

// One line describing the accepted forms, for error messages.
inline constexpr std::string_view kPrintedNumberForms =
    "expected a number such as 42, -1.5, 1.2e-3 or 1,234.5 (',' only as a thousands "
    "separator)";

}  // namespace benchlab::command
