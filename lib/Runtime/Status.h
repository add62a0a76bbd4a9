//===- Status.h - Building kiln_status_t errors -----------------*- C++ -*-===//
//
// The runtime's error type is the C API's kiln_status_t: NULL for success, a
// heap object with a code and a message otherwise. Internally functions
// return `Status` (a move-only owner) so that early returns cannot leak.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_STATUS_H
#define KILN_LIB_RUNTIME_STATUS_H

#include "kiln-runtime/kiln_runtime.h"

#include <memory>

namespace kiln::runtime {

struct StatusDeleter {
  void operator()(kiln_status_t *s) const { kiln_status_free(s); }
};

/// An owned status; empty means success.
using Status = std::unique_ptr<kiln_status_t, StatusDeleter>;

/// A status with `code` and a printf-formatted message.
Status makeError(kiln_status_code_t code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/// The same status with `prefix` put in front of its message (for context,
/// e.g. "kernel 'matmul0': ").
Status prefixError(Status status, const char *prefix);

} // namespace kiln::runtime

/// Returns from the enclosing function if `expr` yields an error.
#define KILN_RETURN_IF_ERROR(expr)                                             \
  do {                                                                         \
    ::kiln::runtime::Status kilnStatus_ = (expr);                              \
    if (kilnStatus_)                                                           \
      return kilnStatus_;                                                      \
  } while (0)

#endif // KILN_LIB_RUNTIME_STATUS_H
