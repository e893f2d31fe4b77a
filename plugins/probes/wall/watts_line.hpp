// SPDX-License-Identifier: MIT
// What an external meter prints: one reading of wall power per line ("231.5", "231.5 W",
// "231 Watts"), from a smart-plug script, a PTDaemon bridge or a file a logger rewrites.
#pragma once

#include <optional>
#include <string_view>

namespace wall {

// [any] The watts of one line: a decimal number (C locale, '.' as the point), optionally
// followed by the unit W, Watt or Watts (any case), with surrounding blanks; nullopt for
// anything else, and for a negative or non-finite number.
std::optional<double> parse_watts_line(std::string_view line);

// [any] The last line of `text` that is not blank (its end-of-line dropped), or "" when
// there is none: the newest reading of a file a meter appends to or rewrites.
std::string_view last_line(std::string_view text);

}  // namespace wall
