/* SPDX-License-Identifier: MIT */
// The fixed scene every render draws: spheres and planes with Phong materials, point
// lights and a sky gradient. It never changes at run time, so an image's checksum depends
// only on its size and sample count; changing it means new expected checksums.
#pragma once

#include <span>

#include "vec3.h"

namespace raytrace {

struct Material {
  Vec3 color;             // albedo; for a checkered plane the colour of even squares
  Vec3 checker_color;     // colour of odd squares; equal to `color` for a plain surface
  double diffuse = 0.0;   // Lambert weight
  double specular = 0.0;  // Blinn-Phong highlight weight
  int shininess = 1;      // highlight exponent, applied by repeated multiplication
  double reflect = 0.0;   // share of the colour taken from the mirror ray, 0..1
};

struct Sphere {
  Vec3 center;
  double radius = 1.0;
  Material material;
};

// The points p with dot(normal, p) == offset; `normal` has unit length.
struct Plane {
  Vec3 normal;
  double offset = 0.0;
  double checker_size = 1.0;  // edge of one checker square in scene units
  Material material;
};

struct PointLight {
  Vec3 position;
  Vec3 color;  // intensity per channel
};

struct Camera {
  Vec3 eye;
  Vec3 target;
  Vec3 up;
  double half_height = 0.5;  // tan(vertical fov / 2), given directly to avoid tan()
};

struct Scene {
  Camera camera;
  std::span<const Sphere> spheres;
  std::span<const Plane> planes;
  std::span<const PointLight> lights;
  Vec3 ambient;
  Vec3 sky_horizon, sky_zenith;
  double fog_start = 0.0, fog_end = 1.0;  // surfaces fade into the sky between these distances
};

// The benchmark's scene (static storage, lives for the program).
const Scene& fixed_scene();

}  // namespace raytrace
