// SPDX-License-Identifier: MIT
// Small files of /sys and /proc, as probe plugins read them: opened once in open() and
// re-read with pread() from offset 0 on every sample (sysfs and procfs regenerate a file's
// text on a read at offset 0), so a sample costs one system call and no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace benchlab::common {

// One file kept open for reading. Move-only; closes its descriptor when destroyed.
class SysfsFile {
 public:
  SysfsFile() noexcept = default;
  // [main] Opens `path` read-only. On failure is_open() is false and open_error() holds
  // errno (EACCES for a root-only file such as RAPL's energy_uj since Linux 5.10).
  explicit SysfsFile(std::string path);
  ~SysfsFile();
  SysfsFile(SysfsFile&& other) noexcept;
  SysfsFile& operator=(SysfsFile&& other) noexcept;
  SysfsFile(const SysfsFile&) = delete;
  SysfsFile& operator=(const SysfsFile&) = delete;

  bool is_open() const noexcept { return fd_ >= 0; }
  int open_error() const noexcept { return open_error_; }
  const std::string& path() const noexcept { return path_; }

  // [any] Reads at most size - 1 bytes from offset 0 into `buffer` and NUL-terminates it
  // (size >= 1). Returns the bytes read, or -errno (EISDIR for a directory, EBADF when
  // the file is not open). Thread-safe: pread() moves no shared file position.
  long read(char* buffer, std::size_t size) const noexcept;
  // [any] The file's text as a decimal integer (surrounding whitespace allowed), or
  // nullopt with *error set to errno, or to EINVAL when the text is not an integer.
  std::optional<std::int64_t> read_integer(int* error = nullptr) const noexcept;

 private:
  std::string path_;
  int fd_ = -1;
  int open_error_ = 0;
};

// [any] `text` as a decimal integer with optional sign, surrounding whitespace allowed;
// nullopt when anything else is in it or it overflows.
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept;

// [main] The text of a small file (its first 64 KiB) without surrounding whitespace, or
// nullopt with *error set to errno.
std::optional<std::string> read_text_file(const std::string& path, int* error = nullptr);
// [main] A small file's text as an integer (parse_integer), or nullopt with *error set to
// errno or EINVAL.
std::optional<std::int64_t> read_integer_file(const std::string& path, int* error = nullptr);

// [any] Why reading `path` failed with `error` (an errno), and what to do, for a
// BL_UNSUPPORTED reason: EACCES and EPERM give "permission denied on PATH; run as root or
// grant read access (chmod a+r, or a udev rule)", ENOENT "PATH does not exist", anything
// else "cannot read PATH: <strerror>".
std::string read_failure(const std::string& path, int error);

}  // namespace benchlab::common
