// SPDX-License-Identifier: MIT
#include "file_sha256.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace benchlab::worker {

namespace {

// The EVP calls a digest needs, typed from OpenSSL's own header.
struct Evp {
  decltype(&EVP_MD_CTX_new) ctx_new = nullptr;
  decltype(&EVP_MD_CTX_free) ctx_free = nullptr;
  decltype(&EVP_sha256) sha256 = nullptr;
  decltype(&EVP_DigestInit_ex) init = nullptr;
  decltype(&EVP_DigestUpdate) update = nullptr;
  decltype(&EVP_DigestFinal_ex) final = nullptr;
  std::string error;  // why it is unusable; empty when every pointer is set
};

const Evp& evp() {
  static const Evp e = [] {
    Evp x;
    void* h = dlopen(BENCHLAB_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      x.error = std::string("cannot load " BENCHLAB_LIBCRYPTO_SONAME ": ") + dlerror() +
                " (install OpenSSL's libcrypto, Debian package libssl3)";
      return x;
    }
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      if (!fn && x.error.empty()) x.error = std::string(BENCHLAB_LIBCRYPTO_SONAME " lacks ") + name;
    };
    sym(x.ctx_new, "EVP_MD_CTX_new");
    sym(x.ctx_free, "EVP_MD_CTX_free");
    sym(x.sha256, "EVP_sha256");
    sym(x.init, "EVP_DigestInit_ex");
    sym(x.update, "EVP_DigestUpdate");
    sym(x.final, "EVP_DigestFinal_ex");
    return x;  // never closed: the process describes and exits
  }();
  return e;
}

}  // namespace

std::string file_sha256(const std::filesystem::path& file) {
  auto fail = [&](const std::string& what) {
    return std::runtime_error(file.string() + ": cannot compute its SHA-256: " + what);
  };
  const Evp& e = evp();
  if (!e.error.empty()) throw fail(e.error);
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) throw fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  std::unique_ptr<EVP_MD_CTX, decltype(e.ctx_free)> ctx(e.ctx_new(), e.ctx_free);
  if (!ctx || e.init(ctx.get(), e.sha256(), nullptr) != 1) throw fail("libcrypto refused");
  unsigned char buf[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail(std::strerror(errno));
    if (n == 0) break;
    if (e.update(ctx.get(), buf, static_cast<std::size_t>(n)) != 1) throw fail("libcrypto refused");
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (e.final(ctx.get(), md, &len) != 1) throw fail("libcrypto refused");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0xf];
  }
  return hex;
}

}  // namespace benchlab::worker
