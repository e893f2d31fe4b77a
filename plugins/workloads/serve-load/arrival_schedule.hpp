// SPDX-License-Identifier: MIT
// When each simulated user sends its requests: the open-loop arrival schedule.
//
// Each user has a schedule of its own, drawn from a generator seeded with the trial's
// seed mixed with the user's index, so that users are independent of each other and a
// run with the same seed sends at the same offsets. The draw is written out here (not
// std::exponential_distribution, whose algorithm differs between standard libraries) so
// that a seed means the same schedule with any compiler.
#ifndef SERVE_LOAD_ARRIVAL_SCHEDULE_HPP
#define SERVE_LOAD_ARRIVAL_SCHEDULE_HPP

#include <cstdint>
#include <vector>

namespace serve_load {

enum class Arrival { poisson, constant };

// Offsets in nanoseconds from the start of the load of the `count` requests of user
// `user` out of `users`, at `rate` requests per second (> 0), in increasing order.
//  - poisson: a Poisson process: gaps independent and exponential with mean 1/rate; the
//    first request also waits one gap, so the users together form a Poisson process of
//    rate users*rate from the start (no burst of every user at time zero);
//  - constant: one request every 1/rate, user u starting at u/(users*rate), so the users
//    together send evenly spaced requests rather than all at once.
std::vector<std::uint64_t> arrival_offsets_ns(Arrival arrival, double rate, std::uint32_t count,
                                              std::uint64_t seed, std::uint32_t user,
                                              std::uint32_t users);

// The generator behind the Poisson schedule (exposed for tests): splitmix64 of the seed
// mixed with the user index, feeding xoshiro256** outputs; uniform() is in [0, 1) with 53
// random bits.
class ScheduleRandom {
 public:
  ScheduleRandom(std::uint64_t seed, std::uint32_t user);
  std::uint64_t next();
  double uniform();

 private:
  std::uint64_t s_[4];
};

}  // namespace serve_load

#endif
