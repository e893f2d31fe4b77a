// SPDX-License-Identifier: MIT
#include "ao_render.hpp"

#include <cmath>

// Bit-reproducibility rests on three things: only +, -, *, /, sqrt and fabs are used
// (IEEE-754 rounds them exactly; libm's sin/cos are not required to), the build turns
// off floating-point contraction (-ffp-contract=off, so no FMA changes a rounding), and
// the random numbers come from a per-pixel counter-based generator, not a shared stream.

namespace aobench {
namespace {

struct Vec {
  double x, y, z;
};

Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec operator-(Vec a, Vec b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Vec operator*(Vec a, double s) { return {a.x * s, a.y * s, a.z * s}; }
double dot(Vec a, Vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec cross(Vec a, Vec b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
Vec normalize(Vec v) {
  const double length = std::sqrt(dot(v, v));
  if (std::fabs(length) > 1.0e-17) return {v.x / length, v.y / length, v.z / length};
  return v;
}

struct Ray {
  Vec origin, dir;
};
struct Sphere {
  Vec center;
  double radius;
};
struct Plane {
  Vec point, normal;
};
struct Hit {
  double t = 1.0e17;
  bool hit = false;
  Vec point{}, normal{};
};

constexpr Sphere kSpheres[3] = {
    {{-2.0, 0.0, -3.5}, 0.5}, {{-0.5, 0.0, -3.0}, 0.5}, {{1.0, 0.0, -2.2}, 0.5}};
constexpr Plane kPlane = {{0.0, -0.5, 0.0}, {0.0, 1.0, 0.0}};

void intersect(const Ray& ray, const Sphere& sphere, Hit& hit) {
  const Vec rs = ray.origin - sphere.center;
  const double b = dot(rs, ray.dir);
  const double c = dot(rs, rs) - sphere.radius * sphere.radius;
  const double d = b * b - c;
  if (d <= 0.0) return;
  const double t = -b - std::sqrt(d);
  if (t > 0.0 && t < hit.t) {
    hit.t = t;
    hit.hit = true;
    hit.point = ray.origin + ray.dir * t;
    hit.normal = normalize(hit.point - sphere.center);
  }
}

void intersect(const Ray& ray, const Plane& plane, Hit& hit) {
  const double d = -dot(plane.point, plane.normal);
  const double v = dot(ray.dir, plane.normal);
  if (std::fabs(v) < 1.0e-17) return;
  const double t = -(dot(ray.origin, plane.normal) + d) / v;
  if (t > 0.0 && t < hit.t) {
    hit.t = t;
    hit.hit = true;
    hit.point = ray.origin + ray.dir * t;
    hit.normal = plane.normal;
  }
}

void intersect_scene(const Ray& ray, Hit& hit) {
  for (const Sphere& sphere : kSpheres) intersect(ray, sphere, hit);
  intersect(ray, kPlane, hit);
}

// Counter-based generator: the stream of a pixel depends only on the pixel's index, so
// rows can be rendered in any order by any thread. SplitMix64 steps (Steele et al.).
class PixelRandom {
 public:
  explicit PixelRandom(std::uint64_t pixel_index)
      : state_(mix(pixel_index ^ 0x61'6f'62'65'6e'63'68'31ull)) {}  // "aobench1"

  // Uniform in [0, 1): the top 53 bits, scaled exactly.
  double next() {
    state_ += 0x9e3779b97f4a7c15ull;
    return static_cast<double>(mix(state_) >> 11) * 0x1.0p-53;
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

// The original builds an orthonormal basis around the normal, the normal last.
void ortho_basis(Vec basis[3], Vec n) {
  basis[2] = n;
  basis[1] = {0.0, 0.0, 0.0};
  if (n.x < 0.6 && n.x > -0.6) {
    basis[1].x = 1.0;
  } else if (n.y < 0.6 && n.y > -0.6) {
    basis[1].y = 1.0;
  } else if (n.z < 0.6 && n.z > -0.6) {
    basis[1].z = 1.0;
  } else {
    basis[1].x = 1.0;
  }
  basis[0] = normalize(cross(basis[1], basis[2]));
  basis[1] = normalize(cross(basis[2], basis[0]));
}

// Fraction of unoccluded cosine-weighted hemisphere directions above the hit. The
// original draws (sqrt(u) cos 2πv, sqrt(u) sin 2πv), a uniform point on the unit disk,
// and lifts it onto the hemisphere (Malley's method). Rejection sampling of the square
// gives the same uniform disk point with no trigonometry, hence no libm in the path.
double ambient_occlusion(const Hit& hit, PixelRandom& random) {
  constexpr double eps = 0.0001;
  const Vec p = hit.point + hit.normal * eps;
  Vec basis[3];
  ortho_basis(basis, hit.normal);

  int occluded = 0;
  for (int sample = 0; sample < kAoSamples * kAoSamples; ++sample) {
    double x = 0.0, y = 0.0, r2 = 1.0;
    while (r2 >= 1.0) {
      x = 2.0 * random.next() - 1.0;
      y = 2.0 * random.next() - 1.0;
      r2 = x * x + y * y;
    }
    const double z = std::sqrt(1.0 - r2);
    const Ray ray{p, basis[0] * x + basis[1] * y + basis[2] * z};
    Hit occluder;
    intersect_scene(ray, occluder);
    if (occluder.hit) ++occluded;
  }
  constexpr double total = kAoSamples * kAoSamples;
  return (total - occluded) / total;
}

std::uint8_t to_byte(double f) {
  const int i = static_cast<int>(f * 255.5);
  return static_cast<std::uint8_t>(i < 0 ? 0 : (i > 255 ? 255 : i));
}

}  // namespace

void render_rows(int size, int y_begin, int y_end, std::uint8_t* out) {
  const double half = size / 2.0;
  for (int y = y_begin; y < y_end; ++y) {
    for (int x = 0; x < size; ++x) {
      PixelRandom random(static_cast<std::uint64_t>(y) * static_cast<std::uint64_t>(size) +
                         static_cast<std::uint64_t>(x));
      double sum = 0.0;
      for (int v = 0; v < kSubsamples; ++v) {
        for (int u = 0; u < kSubsamples; ++u) {
          const double px = (x + (u / static_cast<double>(kSubsamples)) - half) / half;
          const double py = -(y + (v / static_cast<double>(kSubsamples)) - half) / half;
          const Ray ray{{0.0, 0.0, 0.0}, normalize({px, py, -1.0})};
          Hit hit;
          intersect_scene(ray, hit);
          if (hit.hit) sum += ambient_occlusion(hit, random);
        }
      }
      *out++ = to_byte(sum / (kSubsamples * kSubsamples));
    }
  }
}

}  // namespace aobench
