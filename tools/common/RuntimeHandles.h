//===- RuntimeHandles.h - Owners for libkiln_runtime's handles --*- C++ -*-===//
//
// unique_ptr owners for models and sessions, and status-to-message, so that
// the tools' early returns leak nothing.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_RUNTIMEHANDLES_H
#define KILN_TOOLS_COMMON_RUNTIMEHANDLES_H

#include "kiln-runtime/kiln_runtime.h"

#include <memory>
#include <string>

namespace kiln::tools {

struct ModelDeleter {
  void operator()(kiln_model_t *model) const { kiln_model_release(model); }
};
struct SessionDeleter {
  void operator()(kiln_session_t *session) const {
    kiln_session_destroy(session);
  }
};
using ModelPtr = std::unique_ptr<kiln_model_t, ModelDeleter>;
using SessionPtr = std::unique_ptr<kiln_session_t, SessionDeleter>;

/// Takes ownership of `status`: false for an error, whose message goes to
/// `error`; true for success (NULL).
inline bool checkStatus(kiln_status_t *status, std::string &error) {
  if (!status)
    return true;
  error = kiln_status_message(status);
  kiln_status_free(status);
  return false;
}

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_RUNTIMEHANDLES_H
