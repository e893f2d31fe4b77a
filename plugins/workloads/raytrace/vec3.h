/* SPDX-License-Identifier: MIT */
// Three-component vector of doubles for the ray tracer. Every operation is a plain
// +, -, *, / or sqrt written out in a fixed order, so the compiler (with -ffp-contract=off
// and without -ffast-math) emits the same IEEE operations on every CPU.
#pragma once

#include <cmath>

namespace raytrace {

struct Vec3 {
  double x = 0.0, y = 0.0, z = 0.0;
};

constexpr Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
constexpr Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
constexpr Vec3 operator-(Vec3 a) { return {-a.x, -a.y, -a.z}; }
constexpr Vec3 operator*(Vec3 a, double s) { return {a.x * s, a.y * s, a.z * s}; }
// Component-wise product: colour times colour.
constexpr Vec3 operator*(Vec3 a, Vec3 b) { return {a.x * b.x, a.y * b.y, a.z * b.z}; }
constexpr Vec3& operator+=(Vec3& a, Vec3 b) { return a = a + b; }

constexpr double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

constexpr Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

// std::sqrt is correctly rounded by IEEE 754 on every target, unlike pow/sin/exp.
inline Vec3 normalize(Vec3 v) { return v * (1.0 / std::sqrt(dot(v, v))); }

}  // namespace raytrace
