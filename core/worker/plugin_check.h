/* SPDX-License-Identifier: MIT */
// benchlab-worker --describe FILE...: loads each plugin file and writes what it found to
// stdout, one JSON line per file (plugin_record.h): the descriptor, or why the file was
// refused. Discovery runs it once per file (core/src/plugin_inspection.cpp), so that
// whatever a plugin's constructor or entry function does happens here, not in the core.
#pragma once

namespace benchlab::worker {

// Does not return: ends the process with status 0 once every record is written, without
// running the plugins' destructors.
[[noreturn]] void describe_plugin_files(int count, char** files);

}  // namespace benchlab::worker
