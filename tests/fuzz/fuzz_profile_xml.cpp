// SPDX-License-Identifier: MIT
// Fuzz target: the profile and suite XML loader (core/src/profile.cpp). A malformed file
// must end in a ProfileError that names the file; any other exception, a crash or a
// sanitizer report is a finding. The loader reads files only, so each input goes through
// one memfd, reached by its /proc/self/fd path.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fuzz_check.h"
#include "profile.h"

namespace {

class MemFile {
 public:
  MemFile() : fd_(memfd_create("benchlab-fuzz-profile", MFD_CLOEXEC)) {
    FUZZ_CHECK(fd_ >= 0);
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    FUZZ_CHECK(ftruncate(fd_, 0) == 0);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      FUZZ_CHECK(n > 0);
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static MemFile file;
  const std::string& path = file.write(data, size);
  try {
    const auto loaded = benchlab::load_profile_file(path);
    FUZZ_CHECK(loaded.profile.has_value() != loaded.suite.has_value());
    if (loaded.profile) {
      FUZZ_CHECK(!loaded.profile->id.empty());
      FUZZ_CHECK(!loaded.profile->plugin.empty());
    } else {
      FUZZ_CHECK(!loaded.suite->id.empty());
      FUZZ_CHECK(!loaded.suite->members.empty());
    }
  } catch (const benchlab::ProfileError& e) {
    // The message must say where: it starts with the file's path.
    FUZZ_CHECK(std::string_view(e.what()).starts_with(path));
  }
  return 0;
}
