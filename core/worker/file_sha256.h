/* SPDX-License-Identifier: MIT */
// The SHA-256 of a plugin file's bytes, so that every result can say which code produced
// it. benchlab-worker --describe computes it before it loads the file; the core keeps it
// in PluginInfo and the plugin cache, so it is read once per file version.
//
// libcrypto is loaded here, in the describing worker, with dlopen on first use: linked
// into libbenchlab.so it would cost every benchlab command, and linked into the worker
// every trial, a few milliseconds of start-up (its relocations) for a hash that only a
// cache miss needs.
#pragma once

#include <filesystem>
#include <string>

namespace benchlab::worker {

// Lowercase hex, 64 characters. Throws std::runtime_error naming the file and the error
// (libcrypto missing included).
std::string file_sha256(const std::filesystem::path& file);

}  // namespace benchlab::worker
