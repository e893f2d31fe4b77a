// SPDX-License-Identifier: MIT
#include <benchlab_common/text.hpp>

namespace benchlab::common {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace benchlab::common
