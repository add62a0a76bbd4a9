//===- Status.cpp - kiln_status_t -----------------------------------------===//

#include "Status.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

/// A code and a NUL-terminated message stored right after the struct.
struct kiln_status_t {
  kiln_status_code_t code;
  char message[1];
};

namespace kiln::runtime {

static kiln_status_t *allocateStatus(kiln_status_code_t code, size_t length) {
  auto *status =
      static_cast<kiln_status_t *>(std::malloc(sizeof(kiln_status_t) + length));
  if (!status) {
    // Out of memory while reporting an error: a static status would be
    // freed by the caller, so fail loudly rather than lie.
    std::fputs("kiln runtime: out of memory creating an error\n", stderr);
    std::abort();
  }
  status->code = code;
  return status;
}

Status makeError(kiln_status_code_t code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length < 0)
    length = 0;
  kiln_status_t *status = allocateStatus(code, static_cast<size_t>(length));
  std::vsnprintf(status->message, static_cast<size_t>(length) + 1, format,
                 args);
  va_end(args);
  return Status(status);
}

Status prefixError(Status status, const char *prefix) {
  if (!status)
    return status;
  return makeError(status->code, "%s%s", prefix, status->message);
}

} // namespace kiln::runtime

extern "C" {

kiln_status_code_t kiln_status_code(const kiln_status_t *status) {
  return status ? status->code : KILN_STATUS_OK;
}

const char *kiln_status_message(const kiln_status_t *status) {
  return status ? status->message : "OK";
}

void kiln_status_free(kiln_status_t *status) { std::free(status); }

const char *kiln_status_code_name(kiln_status_code_t code) {
  switch (code) {
  case KILN_STATUS_OK:
    return "OK";
  case KILN_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case KILN_STATUS_INVALID_ARTIFACT:
    return "INVALID_ARTIFACT";
  case KILN_STATUS_UNSUPPORTED_VERSION:
    return "UNSUPPORTED_VERSION";
  case KILN_STATUS_IO_ERROR:
    return "IO_ERROR";
  case KILN_STATUS_FAILED_PRECONDITION:
    return "FAILED_PRECONDITION";
  case KILN_STATUS_OUT_OF_MEMORY:
    return "OUT_OF_MEMORY";
  case KILN_STATUS_UNAVAILABLE:
    return "UNAVAILABLE";
  case KILN_STATUS_INTERNAL:
    return "INTERNAL";
  }
  return "UNKNOWN";
}

} // extern "C"
