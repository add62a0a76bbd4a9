//===- ByteRegion.cpp - The bytes a model reads from ----------------------===//

#include "Model.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::runtime {

ByteRegion::~ByteRegion() {
  switch (kind) {
  case Kind::Mapped:
    if (length)
      ::munmap(const_cast<uint8_t *>(bytes), length);
    break;
  case Kind::Owned:
    std::free(const_cast<uint8_t *>(bytes));
    break;
  case Kind::None:
  case Kind::Borrowed:
    break;
  }
}

Status ByteRegion::mapFile(const std::string &path, const char *what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeError(KILN_STATUS_IO_ERROR, "cannot open %s '%s': %s", what,
                     path.c_str(), std::strerror(errno));
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return makeError(KILN_STATUS_IO_ERROR, "%s '%s' is not a regular file",
                     what, path.c_str());
  }
  length = static_cast<size_t>(info.st_size);
  kind = Kind::Mapped;
  if (length == 0) {
    // mmap rejects empty files; an empty region is still a valid (short) one.
    ::close(fd);
    static const uint8_t empty[1] = {0};
    bytes = empty;
    return nullptr;
  }
  // MAP_PRIVATE + PROT_READ: the weights are shared with the page cache and
  // never written.
  void *address = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd, 0);
  int error = errno;
  ::close(fd);
  if (address == MAP_FAILED) {
    kind = Kind::None;
    length = 0;
    return makeError(KILN_STATUS_IO_ERROR, "cannot map %s '%s': %s", what,
                     path.c_str(), std::strerror(error));
  }
  bytes = static_cast<const uint8_t *>(address);
  return nullptr;
}

Status ByteRegion::copy(const void *data, size_t size) {
  // aligned_alloc wants a multiple of the alignment, and a non-zero size.
  size_t rounded = (size + KILN_BUFFER_ALIGNMENT - 1) / KILN_BUFFER_ALIGNMENT *
                   KILN_BUFFER_ALIGNMENT;
  if (rounded < size)
    return makeError(KILN_STATUS_OUT_OF_MEMORY, "the artifact is too large");
  void *copy = std::aligned_alloc(KILN_BUFFER_ALIGNMENT,
                                  rounded ? rounded : KILN_BUFFER_ALIGNMENT);
  if (!copy)
    return makeError(KILN_STATUS_OUT_OF_MEMORY,
                     "cannot allocate %zu bytes to copy the artifact", size);
  if (size)
    std::memcpy(copy, data, size);
  kind = Kind::Owned;
  bytes = static_cast<const uint8_t *>(copy);
  length = size;
  return nullptr;
}

Status ByteRegion::allocateZeroed(size_t size, uint8_t *&out) {
  size_t rounded = (size + KILN_BUFFER_ALIGNMENT - 1) / KILN_BUFFER_ALIGNMENT *
                   KILN_BUFFER_ALIGNMENT;
  if (rounded < size)
    return makeError(KILN_STATUS_OUT_OF_MEMORY, "%zu bytes are too many", size);
  void *memory = std::aligned_alloc(KILN_BUFFER_ALIGNMENT,
                                    rounded ? rounded : KILN_BUFFER_ALIGNMENT);
  if (!memory)
    return makeError(KILN_STATUS_OUT_OF_MEMORY, "cannot allocate %zu bytes",
                     size);
  std::memset(memory, 0, rounded ? rounded : KILN_BUFFER_ALIGNMENT);
  kind = Kind::Owned;
  bytes = static_cast<const uint8_t *>(memory);
  length = size;
  out = static_cast<uint8_t *>(memory);
  return nullptr;
}

void ByteRegion::borrow(const void *data, size_t size) {
  kind = Kind::Borrowed;
  bytes = static_cast<const uint8_t *>(data);
  length = size;
}

} // namespace kiln::runtime
