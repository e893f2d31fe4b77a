// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <unistd.h>

#include <benchlab_common/sysfs_file.hpp>
#include <benchlab_common/text.hpp>
#include <cerrno>
#include <charconv>
#include <system_error>
#include <utility>

namespace benchlab::common {

SysfsFile::SysfsFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) open_error_ = errno;
}

SysfsFile::~SysfsFile() {
  if (fd_ >= 0) ::close(fd_);
}

SysfsFile::SysfsFile(SysfsFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      open_error_(other.open_error_) {}

SysfsFile& SysfsFile::operator=(SysfsFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    open_error_ = other.open_error_;
  }
  return *this;
}

long SysfsFile::read(char* buffer, std::size_t size) const noexcept {
  if (size == 0) return -EINVAL;
  buffer[0] = '\0';
  if (fd_ < 0) return -EBADF;
  for (;;) {
    const ssize_t n = ::pread(fd_, buffer, size - 1, 0);
    if (n >= 0) {
      buffer[n] = '\0';
      return static_cast<long>(n);
    }
    if (errno != EINTR) return -errno;
  }
}

std::optional<std::int64_t> SysfsFile::read_integer(int* error) const noexcept {
  char buffer[64];  // sysfs integers are at most 20 digits and a newline
  const long n = read(buffer, sizeof buffer);
  if (n < 0) {
    if (error) *error = static_cast<int>(-n);
    return std::nullopt;
  }
  const auto value = parse_integer(std::string_view(buffer, static_cast<std::size_t>(n)));
  if (!value && error) *error = EINVAL;
  return value;
}

std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> read_text_file(const std::string& path, int* error) {
  const SysfsFile file(path);
  if (!file.is_open()) {
    if (error) *error = file.open_error();
    return std::nullopt;
  }
  std::string text(64 * 1024, '\0');
  const long n = file.read(text.data(), text.size());
  if (n < 0) {
    if (error) *error = static_cast<int>(-n);
    return std::nullopt;
  }
  text.resize(static_cast<std::size_t>(n));
  return std::string(trim(text));
}

std::optional<std::int64_t> read_integer_file(const std::string& path, int* error) {
  const SysfsFile file(path);
  if (!file.is_open()) {
    if (error) *error = file.open_error();
    return std::nullopt;
  }
  return file.read_integer(error);
}

std::string read_failure(const std::string& path, int error) {
  if (error == EACCES || error == EPERM)
    return "permission denied on " + path +
           "; run as root or grant read access (chmod a+r, or a udev rule)";
  if (error == ENOENT) return path + " does not exist";
  return "cannot read " + path + ": " + std::generic_category().message(error);
}

}  // namespace benchlab::common
