//===- ArtifactLoaderFuzzer.cpp - libFuzzer target for the artifact loader ===//
//
// Feeds arbitrary bytes to kiln_model_load_memory. The loader must return a
// status for every input, never crash, hang or leak. A model that loads also
// gets a session and its signature is read back. It is not run: kernels are
// native code that trusts its plan (the runtime checks the plan against the
// arena and the inputs, but cannot check it against what the code does).
//
// Seeds: kiln-artifact-seeds writes valid artifacts (see CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#include "kiln-runtime/kiln_runtime.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln_model_t *model = nullptr;
  kiln_status_t *status =
      kiln_model_load_memory(data, size, KILN_LOAD_COPY, &model);
  if (status) {
    // Every error has a message.
    if (!kiln_status_message(status)[0])
      __builtin_trap();
    kiln_status_free(status);
    return 0;
  }
  kiln_session_t *session = nullptr;
  if (!kiln_session_create(model, &session)) {
    size_t numInputs = kiln_model_num_inputs(model);
    for (size_t i = 0; i < numInputs; ++i) {
      kiln_tensor_info_t info;
      if (kiln_status_t *s = kiln_model_input_info(model, i, &info)) {
        kiln_status_free(s);
        continue;
      }
      (void)info;
    }
    kiln_session_destroy(session);
  }
  kiln_model_release(model);
  return 0;
}
