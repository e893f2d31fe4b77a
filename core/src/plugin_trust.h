/* SPDX-License-Identifier: MIT */
// Whether code may be loaded from a file or a directory: loading a plugin runs its code
// as the operator, so a file or directory someone else can change is refused. Checked by
// discovery before a file is described, and by the worker again before every load.
#pragma once

#include <filesystem>
#include <string>

namespace benchlab {

// A file or directory must not be writable by others (nor by a group other than root's
// or ours) and must be owned by root or by us, or anyone could swap the code benchlab
// runs. Empty when fine, else the reason.
std::string unsafe_path_reason(const std::filesystem::path& p);

// For a plugin directory: unsafe_path_reason() of the directory, and none of its
// ancestors may be writable by others unless sticky (/tmp), or anyone could rename the
// directory away and put another in its place.
std::string unsafe_dir_reason(const std::filesystem::path& dir);

}  // namespace benchlab
