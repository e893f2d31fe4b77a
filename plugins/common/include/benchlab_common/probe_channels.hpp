// SPDX-License-Identifier: MIT
// A probe's channels as C++ values, and the bl_channel_desc table the ABI hands out for
// them (plugin.h: "*out points to `*count` descriptors owned by the instance").
#pragma once

#include <benchlab/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab::common {

// One channel, owning its strings. Empty parent or device means none (NULL in the ABI).
struct ChannelSpec {
  std::string id;  // [a-z0-9_.-]+, unique within the probe
  std::string label;
  int32_t quantity = 0;  // BL_QUANTITY_*
  int32_t domain = BL_DOMAIN_OTHER;
  int32_t kind = BL_CHANNEL_INSTANT;
  double counter_range = 0;  // COUNTER: where it wraps to 0, in the channel's unit; 0 never
  std::string parent;        // id of a channel of this probe that contains this one
  std::string device;
  double limit = 0;  // throttle temperature, power cap or maximum frequency; 0 unknown
};

// [any] `text` made fit for a part of a channel id: ASCII letters lowered, every character
// outside [a-z0-9_.-] replaced by '-' ("Package id 0" -> "package-id-0"); "x" when empty.
std::string channel_id_part(std::string_view text);

// [main] The ABI's view of `specs`, in their order: pointers into the specs' strings, valid
// while `specs` is neither changed nor moved. Throws std::logic_error when an id is empty,
// has a character outside [a-z0-9_.-], is not unique, or a parent names no other channel:
// a plugin bug that must not reach the host.
std::vector<bl_channel_desc> describe_channels(const std::vector<ChannelSpec>& specs);

}  // namespace benchlab::common
