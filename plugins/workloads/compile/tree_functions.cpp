// SPDX-License-Identifier: MIT
#include "tree_functions.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace compile_tree {
namespace {

std::string hex_u32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08xu", static_cast<unsigned>(value));
  return text;
}

// Replaces every ${NAME} in `text` by its value; the C shapes read as C this way.
std::string fill(std::string_view text,
                 const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open);
    out.append(text.substr(pos, open - pos));
    const std::string_view name = text.substr(open + 2, close - open - 2);
    const auto it = std::find_if(values.begin(), values.end(),
                                 [&](const auto& entry) { return entry.first == name; });
    if (it == values.end()) throw std::logic_error("tree template without " + std::string(name));
    out.append(it->second);
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

constexpr std::string_view kHashLoop = R"(uint32_t ${F}(uint32_t x) {
  uint32_t h = x ^ ${K0};
  for (uint32_t i = 0; i < ${N}u; ++i) {
    h ^= h >> ${S0};
    h *= ${K1};
    h += i * ${K2};
  }
  return h ^ (h >> ${S1});
}
)";

constexpr std::string_view kStructState = R"(struct ${F}_state {
  uint32_t a, b, c;
  uint32_t v[${L}];
};

static void ${F}_step(struct ${F}_state* s, uint32_t i) {
  s->a += s->b ^ i;
  s->b = rotl32(s->b, ${S0}) + s->c;
  s->c ^= s->a * ${K2};
  s->v[i % ${L}u] += s->a;
}

uint32_t ${F}(uint32_t x) {
  struct ${F}_state s = {x, x ^ ${K0}, ${K1}, {0}};
  uint32_t r;
  for (uint32_t i = 0; i < ${N}u; ++i) ${F}_step(&s, i);
  r = s.a ^ s.b ^ s.c;
  for (uint32_t j = 0; j < ${L}u; ++j) r = r * 31u + s.v[j];
  return r;
}
)";

constexpr std::string_view kSwitchHead = R"(uint32_t ${F}(uint32_t x) {
  uint32_t h = x;
  uint32_t acc = ${K0};
  for (uint32_t i = 0; i < ${N}u; ++i) {
    switch ((h >> ${S0}) % ${L}u) {
)";
constexpr std::string_view kSwitchTail = R"(    }
  }
  return h ^ acc;
}
)";

// The statements a switch case is made of; `code` indexes this table.
constexpr std::string_view kSwitchOps[] = {
    "h += ${K};", "h ^= acc;",         "h = rotl32(h, ${R});", "h *= ${K};",
    "acc += h;",  "acc ^= h >> ${R};", "h ^= i * ${K};",       "acc = rotl32(acc, ${R}) + i;",
};
constexpr std::uint32_t kSwitchOpCount = sizeof kSwitchOps / sizeof kSwitchOps[0];

constexpr std::string_view kSortArray = R"(uint32_t ${F}(uint32_t x) {
  uint32_t a[${L}];
  uint32_t h = x ^ ${K0};
  uint32_t r = 0;
  for (uint32_t i = 0; i < ${L}u; ++i) {
    h = h * 1664525u + 1013904223u;
    a[i] = h >> ${S0};
  }
  for (uint32_t i = 1; i < ${L}u; ++i) {
    uint32_t v = a[i];
    uint32_t j = i;
    while (j > 0 && a[j - 1] > v) {
      a[j] = a[j - 1];
      --j;
    }
    a[j] = v;
  }
  for (uint32_t i = 0; i < ${L}u; ++i) r = r * ${K1} + a[i] * (i + 1u);
  return r;
}
)";

constexpr std::string_view kMatrix = R"(uint32_t ${F}(uint32_t x) {
  uint32_t m[${L}][${L}], n[${L}][${L}], p[${L}][${L}];
  uint32_t r = ${K2};
  for (uint32_t i = 0; i < ${L}u; ++i) {
    for (uint32_t j = 0; j < ${L}u; ++j) {
      m[i][j] = x ^ (i * ${K0} + j);
      n[i][j] = (x >> (i + j)) + ${K1} * j;
    }
  }
  for (uint32_t i = 0; i < ${L}u; ++i) {
    for (uint32_t j = 0; j < ${L}u; ++j) {
      uint32_t s = 0;
      for (uint32_t k = 0; k < ${L}u; ++k) s += m[i][k] * n[k][j];
      p[i][j] = s;
    }
  }
  for (uint32_t i = 0; i < ${L}u; ++i) r = rotl32(r, 7) ^ (p[i][i] + p[i][${L}u - 1u - i]);
  return r;
}
)";

constexpr std::string_view kCalls = R"(uint32_t ${F}(uint32_t x) {
  uint32_t a = ${G0}(x ^ ${K0});
  uint32_t b = ${G1}(a + ${K1});
  return rotl32(a, ${S0}) ^ b;
}
)";

}  // namespace

std::uint64_t TreeRandom::next() {
  state_ += 0x9e3779b97f4a7c15ull;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint32_t TreeRandom::between(std::uint32_t lo, std::uint32_t hi) {
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - lo + 1;
  return lo + static_cast<std::uint32_t>((next() >> 32) * span >> 32);
}

std::string function_name(std::uint32_t unit, std::uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "unit_%04u_f%02u", unit, index);
  return name;
}

FunctionSpec draw_function(TreeRandom& random, std::uint32_t unit, std::uint32_t index,
                           const std::vector<FunctionRef>& callable) {
  FunctionSpec spec;
  spec.unit = unit;
  spec.index = index;
  // One in eight calls others (when it can); the rest spread over the loop shapes.
  const std::uint32_t roll = random.between(0, 7);
  if (roll == 7 && !callable.empty()) {
    spec.kind = FunctionKind::calls;
  } else {
    spec.kind = static_cast<FunctionKind>(roll % 5);
  }
  for (auto& k : spec.k) k = random.odd32();
  for (auto& shift : spec.shift) shift = random.between(1, 31);

  switch (spec.kind) {
    case FunctionKind::hash_loop:
      spec.iterations = random.between(64, 512);
      spec.shift[0] = random.between(7, 17);
      break;
    case FunctionKind::struct_state:
      spec.iterations = random.between(32, 256);
      spec.length = random.between(4, 16);
      break;
    case FunctionKind::switch_machine:
      spec.iterations = random.between(64, 512);
      spec.length = random.between(4, 8);
      spec.shift[0] = random.between(1, 24);
      for (std::uint32_t i = 0; i < 2 * spec.length; ++i)
        spec.ops.push_back({static_cast<std::uint8_t>(random.between(0, kSwitchOpCount - 1)),
                            random.odd32(), random.between(1, 31)});
      break;
    case FunctionKind::sort_array:
      spec.length = random.between(12, 40);
      spec.shift[0] = random.between(1, 16);
      break;
    case FunctionKind::matrix:
      spec.length = random.between(3, 8);
      break;
    case FunctionKind::calls:
      for (auto& callee : spec.callee)
        callee = callable[random.between(0, static_cast<std::uint32_t>(callable.size() - 1))];
      break;
  }
  return spec;
}

std::string emit_c(const FunctionSpec& spec) {
  const std::vector<std::pair<std::string_view, std::string>> values = {
      {"F", function_name(spec.unit, spec.index)},
      {"N", std::to_string(spec.iterations)},
      {"L", std::to_string(spec.length)},
      {"K0", hex_u32(spec.k[0])},
      {"K1", hex_u32(spec.k[1])},
      {"K2", hex_u32(spec.k[2])},
      {"S0", std::to_string(spec.shift[0])},
      {"S1", std::to_string(spec.shift[1])},
      {"G0", function_name(spec.callee[0].unit, spec.callee[0].index)},
      {"G1", function_name(spec.callee[1].unit, spec.callee[1].index)},
  };
  switch (spec.kind) {
    case FunctionKind::hash_loop:
      return fill(kHashLoop, values);
    case FunctionKind::struct_state:
      return fill(kStructState, values);
    case FunctionKind::switch_machine: {
      std::string text = fill(kSwitchHead, values);
      for (std::uint32_t c = 0; c < spec.length; ++c) {
        text += "      case " + std::to_string(c) + ":\n";
        for (std::uint32_t s = 0; s < 2; ++s) {
          const SwitchOp& op = spec.ops[2 * c + s];
          text += "        " +
                  fill(kSwitchOps[op.code], {{"K", hex_u32(op.k)}, {"R", std::to_string(op.r)}}) +
                  "\n";
        }
        text += "        break;\n";
      }
      return text + std::string(kSwitchTail);
    }
    case FunctionKind::sort_array:
      return fill(kSortArray, values);
    case FunctionKind::matrix:
      return fill(kMatrix, values);
    case FunctionKind::calls:
      return fill(kCalls, values);
  }
  throw std::logic_error("unknown function kind");
}

std::uint32_t evaluate(const FunctionSpec& spec, std::uint32_t x,
                       const std::vector<std::vector<FunctionSpec>>& all) {
  const std::uint32_t* k = spec.k;
  switch (spec.kind) {
    case FunctionKind::hash_loop: {
      std::uint32_t h = x ^ k[0];
      for (std::uint32_t i = 0; i < spec.iterations; ++i) {
        h ^= h >> spec.shift[0];
        h *= k[1];
        h += i * k[2];
      }
      return h ^ (h >> spec.shift[1]);
    }
    case FunctionKind::struct_state: {
      std::uint32_t a = x, b = x ^ k[0], c = k[1];
      std::vector<std::uint32_t> v(spec.length, 0);
      for (std::uint32_t i = 0; i < spec.iterations; ++i) {
        a += b ^ i;
        b = rotl32(b, spec.shift[0]) + c;
        c ^= a * k[2];
        v[i % spec.length] += a;
      }
      std::uint32_t r = a ^ b ^ c;
      for (const std::uint32_t value : v) r = r * 31u + value;
      return r;
    }
    case FunctionKind::switch_machine: {
      std::uint32_t h = x, acc = k[0];
      for (std::uint32_t i = 0; i < spec.iterations; ++i) {
        const std::uint32_t c = (h >> spec.shift[0]) % spec.length;
        for (std::uint32_t s = 0; s < 2; ++s) {
          const SwitchOp& op = spec.ops[2 * c + s];
          switch (op.code) {
            case 0:
              h += op.k;
              break;
            case 1:
              h ^= acc;
              break;
            case 2:
              h = rotl32(h, op.r);
              break;
            case 3:
              h *= op.k;
              break;
            case 4:
              acc += h;
              break;
            case 5:
              acc ^= h >> op.r;
              break;
            case 6:
              h ^= i * op.k;
              break;
            case 7:
              acc = rotl32(acc, op.r) + i;
              break;
            default:
              throw std::logic_error("unknown switch op");
          }
        }
      }
      return h ^ acc;
    }
    case FunctionKind::sort_array: {
      std::vector<std::uint32_t> a(spec.length);
      std::uint32_t h = x ^ k[0];
      for (auto& value : a) {
        h = h * 1664525u + 1013904223u;
        value = h >> spec.shift[0];
      }
      std::sort(a.begin(), a.end());
      std::uint32_t r = 0;
      for (std::uint32_t i = 0; i < spec.length; ++i) r = r * k[1] + a[i] * (i + 1u);
      return r;
    }
    case FunctionKind::matrix: {
      const std::uint32_t d = spec.length;
      std::vector<std::uint32_t> m(d * d), n(d * d), p(d * d);
      for (std::uint32_t i = 0; i < d; ++i) {
        for (std::uint32_t j = 0; j < d; ++j) {
          m[i * d + j] = x ^ (i * k[0] + j);
          n[i * d + j] = (x >> (i + j)) + k[1] * j;
        }
      }
      for (std::uint32_t i = 0; i < d; ++i) {
        for (std::uint32_t j = 0; j < d; ++j) {
          std::uint32_t s = 0;
          for (std::uint32_t q = 0; q < d; ++q) s += m[i * d + q] * n[q * d + j];
          p[i * d + j] = s;
        }
      }
      std::uint32_t r = k[2];
      for (std::uint32_t i = 0; i < d; ++i)
        r = rotl32(r, 7) ^ (p[i * d + i] + p[i * d + d - 1 - i]);
      return r;
    }
    case FunctionKind::calls: {
      const FunctionSpec& first = all.at(spec.callee[0].unit).at(spec.callee[0].index);
      const FunctionSpec& second = all.at(spec.callee[1].unit).at(spec.callee[1].index);
      const std::uint32_t a = evaluate(first, x ^ k[0], all);
      const std::uint32_t b = evaluate(second, a + k[1], all);
      return rotl32(a, spec.shift[0]) ^ b;
    }
  }
  throw std::logic_error("unknown function kind");
}

}  // namespace compile_tree
