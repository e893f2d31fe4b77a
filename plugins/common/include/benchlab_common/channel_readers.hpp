// SPDX-License-Identifier: MIT
// The channels of a probe that fills channel i by its own readers[i] (a value saying what
// to read: the GPU, the reading, its sensor), kept in step with their descriptors: the GPU
// probes' table of channels (nvml, rocm-smi). Header-only.
#pragma once

#include <benchlab/plugin.h>

#include <benchlab_common/probe_channels.hpp>
#include <cstddef>
#include <utility>
#include <vector>

namespace benchlab::common {

template <class Reader>
class ChannelReaders {
 public:
  // [main] Appends channel `spec`, filled by `reader`. Every add comes before describe().
  void add(ChannelSpec spec, Reader reader) {
    specs_.push_back(std::move(spec));
    readers_.push_back(std::move(reader));
  }
  // [main] After the last add: the descriptors channels() hands out (describe_channels,
  // which throws std::logic_error on a bad or repeated id).
  void describe() { descs_ = describe_channels(specs_); }

  // [any] The descriptors, in the order added; empty before describe().
  const std::vector<bl_channel_desc>& channels() const noexcept { return descs_; }

  // [any] values[i] = read(reader of channel i), for every channel.
  template <class Read>
  void sample(double* values, const Read& read) const noexcept {
    for (std::size_t i = 0; i < readers_.size(); ++i) values[i] = read(readers_[i]);
  }

 private:
  std::vector<ChannelSpec> specs_;  // the descriptors point into their strings
  std::vector<bl_channel_desc> descs_;
  std::vector<Reader> readers_;
};

}  // namespace benchlab::common
