//===- CodeObject.h - Native kernels loaded from memory ---------*- C++ -*-===//
//
// The CPU kernels travel inside the artifact as the bytes of an ELF shared
// object. They are loaded without touching the user's directories: written
// to an anonymous memfd and dlopen'ed through /proc/self/fd, or, where memfd
// is unavailable, to a temporary file that is unlinked right after dlopen.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_CODEOBJECT_H
#define KILN_LIB_RUNTIME_CODEOBJECT_H

#include "Status.h"

#include <cstddef>
#include <cstdint>

namespace kiln::runtime {

/// FNV-1a 64 of `size` bytes: the artifact's code object checksum.
uint64_t fnv1a64(const uint8_t *data, size_t size);

/// A dlopen'ed shared object; dlclose'd on destruction.
class CodeObject {
public:
  CodeObject() = default;
  ~CodeObject();
  CodeObject(const CodeObject &) = delete;
  CodeObject &operator=(const CodeObject &) = delete;

  /// Checks that `data` is a 64-bit ELF shared object for this machine, then
  /// loads it.
  Status load(const uint8_t *data, size_t size);

  /// The address of exported `symbol`, or nullptr.
  void *lookup(const char *symbol) const;

private:
  void *handle = nullptr;
  /// The memory file `handle` was loaded from, open while it is loaded.
  int memfd = -1;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CODEOBJECT_H
