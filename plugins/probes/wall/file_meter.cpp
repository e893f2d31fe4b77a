// SPDX-License-Identifier: MIT
#include "file_meter.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <benchlab/plugin.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>

#include "watts_line.hpp"

namespace wall {

namespace {

namespace sdk = benchlab::sdk;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// The newest reading is in the last line; a file that grows is read from this far before
// its end.
constexpr off_t tail_bytes = 4096;

}  // namespace

FileMeter::FileMeter(std::string path, std::chrono::milliseconds max_age)
    : path_(std::move(path)), max_age_(max_age) {
  const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw sdk::failure(BL_UNSUPPORTED, "wall.file=" + path_ +
                                           " cannot be read: " + std::strerror(errno) +
                                           ": start the meter's logger first, or fix the path");
  close(fd);
}

double FileMeter::watts() const noexcept {
  const int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nan;
  struct stat st {};
  double watts = nan;
  if (fstat(fd, &st) == 0) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const double age =
        double(now.tv_sec - st.st_mtim.tv_sec) + double(now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
    const bool stale = max_age_.count() > 0 && age * 1000.0 > double(max_age_.count());
    char buffer[tail_bytes];
    const off_t from = st.st_size > tail_bytes ? st.st_size - tail_bytes : 0;
    const ssize_t n = stale ? -1 : pread(fd, buffer, sizeof buffer, from);
    if (n > 0)
      if (const auto parsed = parse_watts_line(last_line(std::string_view(buffer, size_t(n)))))
        watts = *parsed;
  }
  close(fd);
  return watts;
}

}  // namespace wall
