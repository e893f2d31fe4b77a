// SPDX-License-Identifier: MIT
// Rules that keep the render bit-reproducible across compilers and CPUs (x86-64, aarch64),
// so that one expected checksum per image holds everywhere:
//  - only +, -, *, / and sqrt on doubles, each correctly rounded by IEEE 754; no pow, sin,
//    exp or other libm functions whose last bit differs between libraries (integer powers
//    are repeated multiplication, floor is an integer conversion);
//  - this file is compiled with -ffp-contract=off (no fused multiply-add, which aarch64
//    would use where x86-64 without FMA cannot) and never with -ffast-math;
//  - sample positions come from an integer hash of (x, y, sample), not from rand();
//  - every pixel is computed on its own, so thread count and row order cannot matter.
#include "tracer.h"

#include <cfloat>
#include <cstddef>

#include "scene.h"

#if defined(__FAST_MATH__)
#error "tracer.cpp must not be compiled with -ffast-math: its image checksums would not hold"
#endif
static_assert(FLT_EVAL_METHOD == 0,
              "the render needs doubles evaluated in double precision (SSE2, not x87)");

namespace raytrace {
namespace {

constexpr int kMaxDepth = 5;             // mirror bounces after the camera ray, as in C-Ray
constexpr double kMinDistance = 1e-9;    // nearer hits are the surface the ray left
constexpr double kSurfaceOffset = 1e-4;  // secondary rays start this far off the surface
constexpr double kFarDistance = 1e4;     // beyond this a ray sees the sky
constexpr double kParallel = 1e-12;      // |cos| below this: a ray parallel to a plane

struct Ray {
  Vec3 origin, dir;  // dir has unit length
};

struct Hit {
  double t = kFarDistance;
  Vec3 normal;
  const Material* material = nullptr;
  const Plane* plane = nullptr;  // set for plane hits, for the checker pattern
};

// Distance along `ray` to `sphere` in (kMinDistance, t_max), or 0 when none.
double intersect(const Sphere& sphere, const Ray& ray, double t_max) {
  const Vec3 oc = ray.origin - sphere.center;
  const double b = dot(oc, ray.dir);
  const double c = dot(oc, oc) - sphere.radius * sphere.radius;
  const double disc = b * b - c;
  if (disc < 0.0) return 0.0;
  const double root = std::sqrt(disc);
  double t = -b - root;
  if (t <= kMinDistance) t = -b + root;  // the ray starts inside the sphere
  return (t > kMinDistance && t < t_max) ? t : 0.0;
}

double intersect(const Plane& plane, const Ray& ray, double t_max) {
  const double cos_angle = dot(plane.normal, ray.dir);
  if (cos_angle > -kParallel && cos_angle < kParallel) return 0.0;
  const double t = (plane.offset - dot(plane.normal, ray.origin)) / cos_angle;
  return (t > kMinDistance && t < t_max) ? t : 0.0;
}

Hit nearest_hit(const Scene& scene, const Ray& ray) {
  Hit hit;
  for (const Sphere& sphere : scene.spheres) {
    if (const double t = intersect(sphere, ray, hit.t); t > 0.0) {
      hit.t = t;
      hit.material = &sphere.material;
      hit.plane = nullptr;
      hit.normal = (ray.origin + ray.dir * t - sphere.center) * (1.0 / sphere.radius);
    }
  }
  for (const Plane& plane : scene.planes) {
    if (const double t = intersect(plane, ray, hit.t); t > 0.0) {
      hit.t = t;
      hit.material = &plane.material;
      hit.plane = &plane;
      hit.normal = plane.normal;
    }
  }
  return hit;
}

bool occluded(const Scene& scene, const Ray& ray, double distance) {
  for (const Sphere& sphere : scene.spheres) {
    if (intersect(sphere, ray, distance) > 0.0) return true;
  }
  for (const Plane& plane : scene.planes) {
    if (intersect(plane, ray, distance) > 0.0) return true;
  }
  return false;
}

// x^n for n >= 0 by repeated squaring, in place of pow().
double integer_power(double x, int n) {
  double result = 1.0;
  while (n > 0) {
    if (n & 1) result *= x;
    x *= x;
    n >>= 1;
  }
  return result;
}

// floor() as an exact integer conversion; |v| is bounded by kFarDistance here.
long long floor_to_integer(double v) {
  const auto i = static_cast<long long>(v);  // truncates toward zero
  return (v < static_cast<double>(i)) ? i - 1 : i;
}

Vec3 surface_color(const Hit& hit, Vec3 point) {
  const Material& m = *hit.material;
  if (hit.plane == nullptr) return m.color;
  // Checker squares in the two world axes that lie most nearly in the plane.
  const Vec3 n = hit.plane->normal;
  const double ax = n.x < 0.0 ? -n.x : n.x, ay = n.y < 0.0 ? -n.y : n.y,
               az = n.z < 0.0 ? -n.z : n.z;
  double u = point.x, v = point.z;
  if (ax >= ay && ax >= az) {
    u = point.y;
  } else if (az >= ax && az >= ay) {
    v = point.y;
  }
  const double scale = 1.0 / hit.plane->checker_size;
  const long long cell = floor_to_integer(u * scale) + floor_to_integer(v * scale);
  return (cell & 1) != 0 ? m.checker_color : m.color;
}

Vec3 sky(const Scene& scene, Vec3 dir) {
  const double up = dir.y < 0.0 ? 0.0 : dir.y;
  return scene.sky_horizon * (1.0 - up) + scene.sky_zenith * up;
}

Vec3 trace(const Scene& scene, const Ray& ray, int depth) {
  const Hit hit = nearest_hit(scene, ray);
  if (hit.material == nullptr) return sky(scene, ray.dir);

  const Material& m = *hit.material;
  const Vec3 point = ray.origin + ray.dir * hit.t;
  const Vec3 base = surface_color(hit, point);
  const Vec3 to_eye = -ray.dir;
  const Vec3 start = point + hit.normal * kSurfaceOffset;

  Vec3 color = base * scene.ambient;
  for (const PointLight& light : scene.lights) {
    const Vec3 to_light = light.position - point;
    const double distance = std::sqrt(dot(to_light, to_light));
    const Vec3 l = to_light * (1.0 / distance);
    const double lambert = dot(hit.normal, l);
    if (lambert <= 0.0) continue;
    if (occluded(scene, Ray{start, l}, distance)) continue;
    const double n_dot_h = dot(hit.normal, normalize(l + to_eye));
    const double highlight = n_dot_h > 0.0 ? integer_power(n_dot_h, m.shininess) : 0.0;
    const double spec = m.specular * highlight;
    color += light.color * (base * (m.diffuse * lambert) + Vec3{spec, spec, spec});
  }

  if (m.reflect > 0.0 && depth < kMaxDepth) {
    const Vec3 mirror = ray.dir - hit.normal * (2.0 * dot(ray.dir, hit.normal));
    color = color * (1.0 - m.reflect) + trace(scene, Ray{start, mirror}, depth + 1) * m.reflect;
  }

  // Far surfaces fade into the sky, which also hides the floor's aliasing at the horizon.
  if (hit.t <= scene.fog_start) return color;
  double fog = (hit.t - scene.fog_start) / (scene.fog_end - scene.fog_start);
  if (fog > 1.0) fog = 1.0;
  return color * (1.0 - fog) + sky(scene, ray.dir) * fog;
}

// A well-mixed 32-bit hash of a sample's coordinates (murmur3's finaliser), so sample
// offsets are fixed per pixel and identical however the rows are scheduled.
std::uint32_t sample_hash(std::uint32_t x, std::uint32_t y, std::uint32_t s) {
  std::uint32_t h = (x * 0x8da6b343u) ^ (y * 0xd8163841u) ^ (s * 0xcb1ab31fu);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// Linear [0,1] to an 8-bit value with gamma 2 (sqrt), rounded to nearest.
std::uint8_t quantize(double linear) {
  if (linear < 0.0) linear = 0.0;
  if (linear > 1.0) linear = 1.0;
  return static_cast<std::uint8_t>(std::sqrt(linear) * 255.0 + 0.5);
}

}  // namespace

Tracer::Tracer(int width, int height, int samples)
    : width_(width), height_(height), samples_(samples) {
  const Camera& cam = fixed_scene().camera;
  forward_ = normalize(cam.target - cam.eye);
  const Vec3 right = normalize(cross(cam.up, forward_));
  const Vec3 up = cross(forward_, right);
  right_ = right * cam.half_height;
  up_ = up * cam.half_height;
}

void Tracer::render_row(int y, std::span<std::uint8_t> rgb) const {
  const Scene& scene = fixed_scene();
  const double inv_height = 1.0 / height_;
  const double inv_samples = 1.0 / samples_;
  for (int x = 0; x < width_; ++x) {
    Vec3 sum;
    for (int s = 0; s < samples_; ++s) {
      const std::uint32_t h =
          sample_hash(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y),
                      static_cast<std::uint32_t>(s));
      // 16-bit offsets inside the pixel; the conversions and the scaling are exact.
      const double jx = static_cast<double>(h & 0xffffu) * (1.0 / 65536.0);
      const double jy = static_cast<double>(h >> 16) * (1.0 / 65536.0);
      // Screen coordinates: y in [-1, 1] bottom to top, x in [-aspect, aspect].
      const double sx = (2.0 * (x + jx) - width_) * inv_height;
      const double sy = (height_ - 2.0 * (y + jy)) * inv_height;
      const Vec3 dir = normalize(forward_ + right_ * sx + up_ * sy);
      sum += trace(scene, Ray{scene.camera.eye, dir}, 0);
    }
    const Vec3 color = sum * inv_samples;
    const std::size_t i = static_cast<std::size_t>(x) * 3;
    rgb[i] = quantize(color.x);
    rgb[i + 1] = quantize(color.y);
    rgb[i + 2] = quantize(color.z);
  }
}

}  // namespace raytrace
