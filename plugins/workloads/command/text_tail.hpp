// SPDX-License-Identifier: MIT
// The last few lines of a program's output, shortened to fit in one line of an error
// message: what a person needs to see why a rule found nothing or a program failed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace benchlab::command {

// The last `max_lines` non-blank lines of `text`, each trimmed, cut to `max_line_chars`
// (with "...") and double-quoted, joined by ", ": `"Copy: 1.0 MiB/s", "done"`. Control
// bytes show as '?'. Empty when `text` holds only blanks.
std::string last_lines(std::string_view text, std::size_t max_lines = 5,
                       std::size_t max_line_chars = 160);

// " (last lines of STREAM: ...)", or " (last lines: ...)" when the message already names
// the stream, or " (STREAM was empty)": to append to a message.
std::string describe_tail(std::string_view stream_name, std::string_view text,
                          bool name_stream = true);

}  // namespace benchlab::command
