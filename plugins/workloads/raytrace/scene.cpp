// SPDX-License-Identifier: MIT
#include "scene.h"

#include <array>

namespace raytrace {
namespace {

constexpr Material plain(Vec3 color, double diffuse, double specular, int shininess,
                         double reflect) {
  return {color, color, diffuse, specular, shininess, reflect};
}

// sqrt(0.5), written out so the ring below needs no sin/cos.
constexpr double kDiag = 0.70710678118654752;
constexpr double kRing = 4.2;  // radius of the ring of small spheres around the mirror ball
constexpr double kSmall = 0.28;

constexpr std::array kSpheres{
    // The mirror ball in the middle, and a large matte ball behind it.
    Sphere{{0.0, 1.3, 1.5}, 1.3, plain({0.9, 0.9, 0.95}, 0.1, 0.9, 128, 0.85)},
    Sphere{{-1.6, 2.2, 6.0}, 2.2, plain({0.55, 0.3, 0.75}, 0.85, 0.3, 16, 0.05)},
    // Coloured balls in front, some glossy.
    Sphere{{-2.6, 0.9, 0.6}, 0.9, plain({0.85, 0.15, 0.12}, 0.85, 0.5, 32, 0.15)},
    Sphere{{2.5, 0.75, 0.2}, 0.75, plain({0.2, 0.75, 0.25}, 0.8, 0.4, 32, 0.1)},
    Sphere{{1.1, 0.5, -1.4}, 0.5, plain({0.15, 0.3, 0.9}, 0.8, 0.8, 64, 0.3)},
    Sphere{{-1.2, 0.4, -1.8}, 0.4, plain({0.95, 0.7, 0.2}, 0.7, 0.9, 64, 0.45)},
    // A ring of small balls around the mirror ball.
    Sphere{{kRing, kSmall, 1.5}, kSmall, plain({0.9, 0.9, 0.2}, 0.9, 0.6, 32, 0.2)},
    Sphere{{kRing * kDiag, kSmall, 1.5 + kRing* kDiag},
           kSmall,
           plain({0.2, 0.9, 0.9}, 0.9, 0.6, 32, 0.2)},
    Sphere{{0.0, kSmall, 1.5 + kRing}, kSmall, plain({0.9, 0.2, 0.9}, 0.9, 0.6, 32, 0.2)},
    Sphere{{-kRing * kDiag, kSmall, 1.5 + kRing* kDiag},
           kSmall,
           plain({0.95, 0.5, 0.1}, 0.9, 0.6, 32, 0.2)},
    Sphere{{-kRing, kSmall, 1.5}, kSmall, plain({0.3, 0.9, 0.3}, 0.9, 0.6, 32, 0.2)},
    Sphere{{-kRing * kDiag, kSmall, 1.5 - kRing* kDiag},
           kSmall,
           plain({0.3, 0.4, 0.95}, 0.9, 0.6, 32, 0.2)},
    Sphere{{0.0, kSmall, 1.5 - kRing}, kSmall, plain({0.95, 0.95, 0.95}, 0.9, 0.6, 32, 0.2)},
    Sphere{{kRing * kDiag, kSmall, 1.5 - kRing* kDiag},
           kSmall,
           plain({0.9, 0.25, 0.25}, 0.9, 0.6, 32, 0.2)},
};

constexpr std::array kPlanes{
    // The checkered floor.
    Plane{{0.0, 1.0, 0.0},
          0.0,
          1.0,
          Material{{0.85, 0.85, 0.8}, {0.12, 0.12, 0.15}, 0.9, 0.2, 16, 0.2}},
};

constexpr std::array kLights{
    PointLight{{-5.0, 7.0, -6.0}, {0.8, 0.78, 0.72}},  // key, front left
    PointLight{{6.0, 5.0, -3.0}, {0.35, 0.4, 0.5}},    // cool fill, right
    PointLight{{0.0, 6.0, 8.0}, {0.4, 0.3, 0.2}},      // warm back light
};

constexpr Camera kCamera{{0.0, 2.2, -7.5}, {0.0, 0.9, 1.0}, {0.0, 1.0, 0.0}, 0.42};

const Scene kScene{
    kCamera,          kSpheres, kPlanes, kLights, {0.08, 0.08, 0.1}, {0.75, 0.82, 0.92},
    {0.2, 0.35, 0.7}, 12.0,     60.0};

}  // namespace

const Scene& fixed_scene() { return kScene; }

}  // namespace raytrace
