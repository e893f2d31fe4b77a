// The channels a probe instance declares: owned strings and the bl_channel_desc array
// that points into them, which channels() hands out and which lives until close.
// Header-only.
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace benchlab::common {

// One channel as a probe describes it (plugin.h's bl_channel_desc, with owned strings).
struct Channel {
  std::string id;     // [a-z0-9_.-]+, e.g. "gpu0.power"
  std::string label;  // for people, e.g. "GPU 0 board power"
  int32_t quantity = 0;
  int32_t domain = 0;
  int32_t kind = BL_CHANNEL_INSTANT;
  double counter_range = 0;  // COUNTER: where it wraps; 0: never
  std::string parent;        // "" for none
  std::string device;        // "" for none
  double limit = 0;          // 0: unknown
};

class ChannelTable {
 public:
  // [main] Appends a channel. Its strings never move (deque storage); the array data()
  // returns does, so a probe adds every channel in open(), before channels() hands it out.
  void add(Channel channel) {
    const Channel& kept = channels_.emplace_back(std::move(channel));
    bl_channel_desc d{};
    d.struct_size = sizeof(bl_channel_desc);
    d.id = kept.id.c_str();
    d.label = kept.label.c_str();
    d.quantity = kept.quantity;
    d.domain = kept.domain;
    d.kind = kept.kind;
    d.counter_range = kept.counter_range;
    d.parent = kept.parent.empty() ? nullptr : kept.parent.c_str();
    d.device = kept.device.empty() ? nullptr : kept.device.c_str();
    d.limit = kept.limit;
    descs_.push_back(d);
  }
  // [any] The descriptors, in the order added; valid until the next add().
  const bl_channel_desc* data() const noexcept { return descs_.data(); }
  uint32_t size() const noexcept { return static_cast<uint32_t>(descs_.size()); }
  bool empty() const noexcept { return descs_.empty(); }
  const Channel& operator[](std::size_t i) const { return channels_[i]; }

 private:
  std::deque<Channel> channels_;  // stable addresses for the descriptors' strings
  std::vector<bl_channel_desc> descs_;
};

}  // namespace benchlab::common
