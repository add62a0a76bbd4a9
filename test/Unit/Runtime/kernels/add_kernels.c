/*===- add_kernels.c - Hand-written kernels for the runtime's unit tests --===*
 *
 * Built into a shared object at test-build time and embedded as the code
 * object of the artifacts the tests write, so the runtime is exercised
 * through the real kernel ABI (kernel_abi.h) without the code generator.
 *
 * The test model (see TestArtifacts.cpp), with symbol 0 = "batch":
 *   t   = x[batch, 3] @ w[3, 4]      kiln_test_matmul, grid (ceil(batch/2), 4,
 *1) out = t + y[batch, 4]            kiln_test_add,    grid (batch, 1, 1)
 *
 *===----------------------------------------------------------------------===*/

#include "kiln-runtime/kernel_abi.h"

/* bindings: x, w, t. Each workgroup computes column wy of rows 2wx, 2wx+1. */
void kiln_test_matmul(void **bindings, const int64_t *dims, int64_t wx,
                      int64_t wy, int64_t wz) {
  (void)wz;
  const float *x = (const float *)bindings[0];
  const float *w = (const float *)bindings[1];
  float *t = (float *)bindings[2];
  int64_t batch = dims[0];
  for (int64_t row = 2 * wx; row < 2 * wx + 2 && row < batch; ++row) {
    float sum = 0.0f;
    for (int64_t k = 0; k < 3; ++k)
      sum += x[row * 3 + k] * w[k * 4 + wy];
    t[row * 4 + wy] = sum;
  }
}

/* bindings: t, y, out. One row per workgroup. */
void kiln_test_add(void **bindings, const int64_t *dims, int64_t wx, int64_t wy,
                   int64_t wz) {
  (void)dims;
  (void)wy;
  (void)wz;
  const float *t = (const float *)bindings[0];
  const float *y = (const float *)bindings[1];
  float *out = (float *)bindings[2];
  for (int64_t j = 0; j < 4; ++j)
    out[wx * 4 + j] = t[wx * 4 + j] + y[wx * 4 + j];
}
