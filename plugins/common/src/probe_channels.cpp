// SPDX-License-Identifier: MIT
#include <benchlab_common/probe_channels.hpp>
#include <set>
#include <stdexcept>

namespace benchlab::common {

namespace {
bool id_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}
}  // namespace

std::string channel_id_part(std::string_view text) {
  std::string part;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    part += id_char(c) ? c : '-';
  }
  return part.empty() ? "x" : part;
}

std::vector<bl_channel_desc> describe_channels(const std::vector<ChannelSpec>& specs) {
  std::set<std::string_view> ids;
  for (const auto& s : specs) {
    bool valid = !s.id.empty();
    for (char c : s.id) valid = valid && id_char(c);
    if (!valid) throw std::logic_error("channel id \"" + s.id + "\" is not [a-z0-9_.-]+");
    if (!ids.insert(s.id).second) throw std::logic_error("channel id " + s.id + " repeats");
  }
  std::vector<bl_channel_desc> descs;
  descs.reserve(specs.size());
  for (const auto& s : specs) {
    if (!s.parent.empty() && (s.parent == s.id || !ids.count(s.parent)))
      throw std::logic_error("channel " + s.id + " names parent " + s.parent +
                             ", which is no other channel of the probe");
    bl_channel_desc d{};
    d.struct_size = sizeof d;
    d.id = s.id.c_str();
    d.label = s.label.c_str();
    d.quantity = s.quantity;
    d.domain = s.domain;
    d.kind = s.kind;
    d.counter_range = s.counter_range;
    d.parent = s.parent.empty() ? nullptr : s.parent.c_str();
    d.device = s.device.empty() ? nullptr : s.device.c_str();
    d.limit = s.limit;
    descs.push_back(d);
  }
  return descs;
}

}  // namespace benchlab::common
