//===- TestHelpers.h - Status checks and owners for runtime tests -*- C++
//-*-===//

#ifndef KILN_TEST_UNIT_RUNTIME_TESTHELPERS_H
#define KILN_TEST_UNIT_RUNTIME_TESTHELPERS_H

#include "kiln-runtime/kiln_runtime.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace kiln::test {

/// Takes ownership of `status`: "" for success, else "CODE: message".
inline std::string takeError(kiln_status_t *status) {
  if (!status)
    return "";
  std::string text =
      std::string(kiln_status_code_name(kiln_status_code(status))) + ": " +
      kiln_status_message(status);
  kiln_status_free(status);
  return text;
}

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

} // namespace kiln::test

/// Expects a kiln call to succeed, printing its message otherwise.
#define EXPECT_KILN_OK(call) EXPECT_EQ(::kiln::test::takeError(call), "")
#define ASSERT_KILN_OK(call) ASSERT_EQ(::kiln::test::takeError(call), "")

#endif // KILN_TEST_UNIT_RUNTIME_TESTHELPERS_H
