// How the command workload keeps a program's stdout and stderr apart in one raw output
// (when a rule reads stderr): a header line with both sizes, then the bytes.
//
//   benchlab-command-output/1 stdout=<N> stderr=<M>\n
//   <N bytes of stdout>\n
//   <M bytes of stderr>
//
// Sizes rather than marker lines, so no output, however odd, can forge a boundary. The
// '\n' after stdout is for people reading the stored output; it is not counted in N.
#pragma once

#include <string>
#include <string_view>

#include "outcome.hpp"

namespace benchlab::command {

struct Streams {
  std::string_view out;
  std::string_view err;
};

std::string frame_streams(std::string_view out, std::string_view err);

// The two streams inside `framed` (views into it). Errors say what does not fit, e.g. a
// raw output cut short by the host's size limit.
Outcome<Streams> split_streams(std::string_view framed);

}  // namespace benchlab::command
