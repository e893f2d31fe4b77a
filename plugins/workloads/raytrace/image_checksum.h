/* SPDX-License-Identifier: MIT */
// 64-bit FNV-1a over bytes: the fingerprint that decides whether a render is right.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace raytrace {

inline constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ull;

// FNV-1a of `bytes`, continuing from `hash` so several spans can be fed in turn.
std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes, std::uint64_t hash = kFnvOffsetBasis);

// "0x" and 16 lower-case hex digits, as checksums appear in messages and docs.
std::string checksum_text(std::uint64_t checksum);

}  // namespace raytrace
