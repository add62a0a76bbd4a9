//===- CodeObject.cpp - Native kernels loaded from memory -----------------===//

#include "CodeObject.h"

#include "kiln-runtime/cuda_host_emulation.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace kiln::runtime {

uint64_t fnv1a64(const uint8_t *data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) {
    hash ^= data[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

#if defined(__x86_64__)
static constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
static constexpr uint16_t kHostMachine = EM_AARCH64;
#else
#error "kiln's CPU runtime supports x86-64 and AArch64 hosts"
#endif

/// Rejects bytes that are plainly not a shared object for this host before
/// the dynamic loader sees them.
static Status checkElfHeader(const uint8_t *data, size_t size) {
  if (size < sizeof(Elf64_Ehdr) || std::memcmp(data, ELFMAG, SELFMAG) != 0)
    return makeError(KILN_STATUS_INVALID_ARTIFACT,
                     "the code object is not an ELF file");
  Elf64_Ehdr header;
  std::memcpy(&header, data, sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return makeError(KILN_STATUS_INVALID_ARTIFACT,
                     "the code object is not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    return makeError(KILN_STATUS_INVALID_ARTIFACT,
                     "the code object is not an ELF shared object (e_type %u)",
                     static_cast<unsigned>(header.e_type));
  if (header.e_machine != kHostMachine)
    return makeError(KILN_STATUS_UNAVAILABLE,
                     "the code object was compiled for ELF machine %u, but "
                     "this host is machine %u: recompile the model for this "
                     "CPU",
                     static_cast<unsigned>(header.e_machine),
                     static_cast<unsigned>(kHostMachine));
  uint64_t sectionEnd = 0, programEnd = 0;
  if (__builtin_mul_overflow(static_cast<uint64_t>(header.e_phnum),
                             static_cast<uint64_t>(header.e_phentsize),
                             &programEnd) ||
      __builtin_add_overflow(programEnd, header.e_phoff, &programEnd) ||
      __builtin_mul_overflow(static_cast<uint64_t>(header.e_shnum),
                             static_cast<uint64_t>(header.e_shentsize),
                             &sectionEnd) ||
      __builtin_add_overflow(sectionEnd, header.e_shoff, &sectionEnd) ||
      programEnd > size || sectionEnd > size)
    return makeError(KILN_STATUS_INVALID_ARTIFACT,
                     "the code object's ELF headers point past its %zu bytes",
                     size);
  return nullptr;
}

static bool writeAll(int fd, const uint8_t *data, size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

/// dlopen through an anonymous memory file: nothing is left on disk.
/// Sets `unavailable` when the failure is the environment's (no memfd, no
/// /proc), not the object's. The file stays open (`fd`) while the object
/// is loaded: dlopen knows a library by its path, /proc/self/fd/N, and
/// would hand out this one again for a later code object whose file got the
/// same number.
static void *openThroughMemfd(const uint8_t *data, size_t size,
                              std::string &error, bool &unavailable,
                              int &openFd) {
  int fd = ::memfd_create("kiln-kernels", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create: ") + std::strerror(errno);
    unavailable = true;
    return nullptr;
  }
  void *handle = nullptr;
  if (writeAll(fd, data, size)) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    handle = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = ::dlerror();
      unavailable = ::access(path, R_OK) != 0;
    }
  } else {
    error = std::string("writing the memfd: ") + std::strerror(errno);
  }
  if (handle)
    openFd = fd;
  else
    ::close(fd);
  return handle;
}

/// The fallback: a private temporary file, unlinked once loaded.
static void *openThroughTempFile(const uint8_t *data, size_t size,
                                 std::string &error) {
  const char *dir = std::getenv("TMPDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/tmp") + "/kiln-kernels-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) {
    error += std::string("; mkstemp in ") + path + ": " + std::strerror(errno);
    return nullptr;
  }
  void *handle = nullptr;
  if (writeAll(fd, data, size)) {
    handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      error += std::string("; ") + ::dlerror();
  } else {
    error += std::string("; writing ") + path + ": " + std::strerror(errno);
  }
  ::unlink(path.c_str());
  ::close(fd);
  return handle;
}

/// Puts this library's exports in the global symbol scope, once, so that
/// the code objects of CUDA host-emulation artifacts find the emulator
/// (cuda_host_emulation.h) even where the library itself was loaded with
/// RTLD_LOCAL (Python's ctypes). Only kiln_* symbols are exported.
static void exposeEmulatorToCodeObjects() {
  static const bool exposed = [] {
    Dl_info info;
    return ::dladdr(reinterpret_cast<void *>(&kiln_cuda_emulator_launch),
                    &info) != 0 &&
           info.dli_fname &&
           ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
  }();
  (void)exposed;
}

Status CodeObject::load(const uint8_t *data, size_t size) {
  KILN_RETURN_IF_ERROR(checkElfHeader(data, size));
  exposeEmulatorToCodeObjects();
  std::string error;
  bool unavailable = false;
  handle = openThroughMemfd(data, size, error, unavailable, memfd);
  if (!handle && unavailable)
    handle = openThroughTempFile(data, size, error);
  if (!handle)
    return makeError(KILN_STATUS_INVALID_ARTIFACT,
                     "cannot load the code object: %s", error.c_str());
  return nullptr;
}

void *CodeObject::lookup(const char *symbol) const {
  if (!handle)
    return nullptr;
  void *address = ::dlsym(handle, symbol);
  if (!address)
    return nullptr;
  // dlsym also searches the object's dependencies (libc...): accept only
  // symbols defined by the code object itself.
  struct link_map *map = nullptr;
  Dl_info info;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map ||
      ::dladdr(address, &info) == 0 || !info.dli_fname || !map->l_name ||
      std::strcmp(info.dli_fname, map->l_name) != 0)
    return nullptr;
  return address;
}

CodeObject::~CodeObject() {
  if (handle)
    ::dlclose(handle);
  if (memfd >= 0)
    ::close(memfd);
}

} // namespace kiln::runtime
