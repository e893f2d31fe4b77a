// SPDX-License-Identifier: MIT
// Whether a program is on PATH: `encoder=auto` prefers HandBrakeCLI when it is installed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace transcode {

// The full path of the first executable regular file named `program` in the ':'-separated
// `path_list` (an empty entry means the current directory, as for execvp), or nullopt.
std::optional<std::string> find_on_path(std::string_view program, std::string_view path_list);

}  // namespace transcode
