// SPDX-License-Identifier: MIT
// A shared library loaded at run time with dlopen, for probes over optional vendor
// libraries (NVML, ROCm SMI): nothing links them, so one plugin binary loads on every
// machine and says "unavailable" where the library is missing. Header-only.
#pragma once

#include <dlfcn.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace benchlab::common {

class DynamicLibrary {
 public:
  DynamicLibrary() = default;
  // [main] The first of `names` that dlopen(RTLD_NOW | RTLD_LOCAL) loads, searched as the
  // dynamic loader does (LD_LIBRARY_PATH, ld.so.cache, system directories); an empty
  // library when none loads, with each dlerror() text in *errors ("; "-separated).
  static DynamicLibrary open_first(std::initializer_list<const char*> names,
                                   std::string* errors = nullptr) {
    DynamicLibrary library;
    for (const char* name : names) {
      library.handle_ = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (library.handle_ != nullptr) {
        library.name_ = name;
        return library;
      }
      if (errors != nullptr) {
        const char* why = dlerror();
        errors->append(errors->empty() ? "" : "; ").append(why != nullptr ? why : name);
      }
    }
    return library;
  }

  DynamicLibrary(DynamicLibrary&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)), name_(std::move(other.name_)) {}
  DynamicLibrary& operator=(DynamicLibrary&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
      name_ = std::move(other.name_);
    }
    return *this;
  }
  DynamicLibrary(const DynamicLibrary&) = delete;
  DynamicLibrary& operator=(const DynamicLibrary&) = delete;
  ~DynamicLibrary() { reset(); }

  explicit operator bool() const noexcept { return handle_ != nullptr; }
  // The name it was loaded by, e.g. "libnvidia-ml.so.1"; empty when not loaded.
  const std::string& name() const noexcept { return name_; }

  // [any] The function `symbol` as type Fn (a function pointer type), or nullptr when
  // the library does not export it (an older version).
  template <class Fn>
  Fn function(const char* symbol) const noexcept {
    if (handle_ == nullptr) return nullptr;
    return reinterpret_cast<Fn>(dlsym(handle_, symbol));
  }

 private:
  void reset() noexcept {
    if (handle_ != nullptr) dlclose(handle_);
    handle_ = nullptr;
  }

  void* handle_ = nullptr;
  std::string name_;
};

}  // namespace benchlab::common
