/* SPDX-License-Identifier: MIT */
// Renders a whole image on several threads: workers pull rows from a shared counter, the
// calling thread watches for cancellation and reports progress.
#pragma once

#include <functional>

#include "image.h"
#include "tracer.h"

namespace raytrace {

enum class RenderStatus { complete, cancelled };

// Called on the calling thread only, about every 50 ms while the workers run.
struct RenderMonitor {
  std::function<bool()> cancelled;                // true: stop after the rows in flight
  std::function<void(double fraction)> progress;  // share of rows finished, 0..1
};

// Render every row of `image` (already sized to the tracer's width and height) with
// `threads` worker threads (>= 1). Returns cancelled when the monitor asked to stop before
// all rows were done; the image is then incomplete. Throws std::system_error when a thread
// cannot be started, std::invalid_argument when the image size does not match.
RenderStatus render_parallel(const Tracer& tracer, unsigned threads, Image& image,
                             const RenderMonitor& monitor);

}  // namespace raytrace
