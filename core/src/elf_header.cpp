// SPDX-License-Identifier: MIT
#include "elf_header.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace benchlab {
namespace {

// The fields that decide whether a process can map a file: e_ident and e_machine sit at
// the same offsets in 32- and 64-bit headers; e_type and e_machine in the file's byte order.
struct ElfId {
  unsigned char cls = 0, data = 0;
  std::uint16_t type = 0, machine = 0;
};

std::uint16_t u16(const unsigned char* p, unsigned char data) {
  return data == ELFDATA2MSB ? static_cast<std::uint16_t>(p[0] << 8 | p[1])
                             : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}

ElfId parse(const unsigned char* h) {
  ElfId id;
  id.cls = h[EI_CLASS];
  id.data = h[EI_DATA];
  id.type = u16(h + offsetof(Elf32_Ehdr, e_type), id.data);
  id.machine = u16(h + offsetof(Elf32_Ehdr, e_machine), id.data);
  return id;
}

// This process's own ELF header, mapped at the start of the image that holds this code:
// whatever it says is what a worker built with it can load.
const ElfId& self() {
  static const ElfId id = [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&elf_header_problem), &info) && info.dli_fbase)
      return parse(static_cast<const unsigned char*>(info.dli_fbase));
    return ElfId{};
  }();
  return id;
}

std::string machine_name(std::uint16_t m) {
  switch (m) {
    case EM_X86_64:
      return "x86-64";
    case EM_386:
      return "Intel 80386";
    case EM_AARCH64:
      return "AArch64";
    case EM_ARM:
      return "ARM";
    case EM_RISCV:
      return "RISC-V";
    case EM_PPC64:
      return "PowerPC64";
    case EM_PPC:
      return "PowerPC";
    case EM_S390:
      return "IBM S/390";
    case EM_LOONGARCH:
      return "LoongArch";
    case EM_MIPS:
      return "MIPS";
    case EM_SPARCV9:
      return "SPARC V9";
    case EM_SPARC:
      return "SPARC";
    case EM_IA_64:
      return "IA-64";
    case EM_PARISC:
      return "PA-RISC";
    case EM_ALPHA:
      return "Alpha";
    default:
      return "machine type " + std::to_string(m);
  }
}

std::string bits(unsigned char cls) {
  return cls == ELFCLASS64 ? "64-bit" : cls == ELFCLASS32 ? "32-bit" : "unknown-class";
}

std::string order(unsigned char data) {
  return data == ELFDATA2MSB   ? "big-endian"
         : data == ELFDATA2LSB ? "little-endian"
                               : "unknown-order";
}

// The first bytes, printable, so that a text file or a linker script shows what it is.
std::string opening(const unsigned char* h, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n && i < 16; ++i)
    s += (h[i] >= 0x20 && h[i] < 0x7f) ? static_cast<char>(h[i]) : '.';
  return s;
}

}  // namespace

std::string elf_header_problem(const std::filesystem::path& file) {
  // O_NONBLOCK: a FIFO swapped in for the file must not stop discovery.
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return std::string("cannot open: ") + std::strerror(errno);
  unsigned char h[sizeof(Elf64_Ehdr)] = {};
  std::size_t n = 0;
  while (n < sizeof h) {
    const ssize_t r = read(fd, h + n, sizeof h - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += static_cast<std::size_t>(r);
  }
  close(fd);
  if (n < SELFMAG || std::memcmp(h, ELFMAG, SELFMAG) != 0)
    return n == 0 ? "not an ELF shared object (the file is empty)"
                  : "not an ELF shared object (it begins with \"" + opening(h, n) + "\")";
  const std::size_t need = h[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (n < need)
    return "not an ELF shared object (the ELF header is cut short at " + std::to_string(n) +
           " bytes)";
  const ElfId file_id = parse(h), host = self();
  if (host.machine != 0 && file_id.machine != host.machine)
    return "ELF for " + machine_name(file_id.machine) + ", this machine is " +
           machine_name(host.machine);
  if (host.cls != 0 && (file_id.cls != host.cls || file_id.data != host.data))
    return "ELF " + bits(file_id.cls) + " " + order(file_id.data) + " for " +
           machine_name(file_id.machine) + ", this benchlab is " + bits(host.cls) + " " +
           order(host.data);
  switch (file_id.type) {
    case ET_DYN:
      return {};
    case ET_REL:
      return "an ELF relocatable object (.o), not a shared object (link it with -shared)";
    case ET_EXEC:
      return "an ELF executable, not a shared object (link it with -shared)";
    case ET_CORE:
      return "an ELF core dump, not a shared object";
    default:
      return "an ELF file of type " + std::to_string(file_id.type) + ", not a shared object";
  }
}

}  // namespace benchlab
