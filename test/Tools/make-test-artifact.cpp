//===- make-test-artifact.cpp - Write the runtime tests' model to a file --===//
//
//   kiln-make-test-artifact OUT.kiln [WEIGHTS.npy]
//   kiln-make-test-artifact --cuda OUT.kiln
//
// Writes the model of test/Unit/Runtime/TestArtifacts.h (out = x @ w + y,
// x: float32[batch, 3], y: float32[batch, 4]) for the lit tests of kiln-run
// and kiln-bench, and optionally its weight w (float32[3, 4]) as .npy so
// that the tests compute the reference without repeating it.
//
//===----------------------------------------------------------------------===//

#include "TensorFile.h"
#include "TestArtifacts.h"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  // The CUDA test model (TestArtifacts.h: out = x + w + y, float32[1000],
  // hand-written PTX), for running kiln-run and kiln-bench on a GPU.
  if (argc == 3 && std::strcmp(argv[1], "--cuda") == 0) {
    std::string error;
    if (!kiln::artifact::writeArtifactFile(kiln::test::cudaTestModelDesc(),
                                           argv[2], error)) {
      std::fprintf(stderr, "kiln-make-test-artifact: %s: %s\n", argv[2],
                   error.c_str());
      return 1;
    }
    return 0;
  }
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: kiln-make-test-artifact OUT.kiln "
                         "[WEIGHTS.npy]\n       kiln-make-test-artifact "
                         "--cuda OUT.kiln\n");
    return 2;
  }
  std::string error;
  if (!kiln::artifact::writeArtifactFile(
          kiln::test::testModelDesc(kiln::test::testKernels()), argv[1],
          error)) {
    std::fprintf(stderr, "kiln-make-test-artifact: %s: %s\n", argv[1],
                 error.c_str());
    return 1;
  }
  if (argc == 3) {
    kiln::tools::HostTensor w;
    w.name = "w";
    w.dtype = KILN_DTYPE_FLOAT32;
    w.dims = {3, 4};
    std::vector<float> values = kiln::test::testWeights();
    w.data.resize(values.size() * sizeof(float));
    std::memcpy(w.data.data(), values.data(), w.data.size());
    if (!kiln::tools::writeTensorFile(
            argv[2], w, kiln::tools::TensorFileFormat::Npy, error)) {
      std::fprintf(stderr, "kiln-make-test-artifact: %s\n", error.c_str());
      return 1;
    }
  }
  return 0;
}
