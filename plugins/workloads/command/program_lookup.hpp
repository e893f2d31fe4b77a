// SPDX-License-Identifier: MIT
// Finding the program a profile names, the way the host's spawn() will: a name with a
// '/' is a path (relative ones from the working directory), any other name is searched
// in the directories of PATH.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace benchlab::command {

// The path of the executable regular file `program` names, or nullopt. `path_list` is a
// PATH value (':'-separated; an empty entry is the working directory, as in POSIX shells).
std::optional<std::string> find_program(std::string_view program, std::string_view path_list,
                                        std::string_view working_dir);

}  // namespace benchlab::command
