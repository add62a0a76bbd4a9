//===- TestArtifacts.cpp - Artifacts for the runtime's tests --------------===//

#include "TestArtifacts.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace kiln::test {
using namespace kiln::artifact;

std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

const std::vector<uint8_t> &testKernels() {
  static const std::vector<uint8_t> bytes = readFile(KILN_TEST_KERNELS_PATH);
  return bytes;
}

std::vector<float> testWeights() {
  std::vector<float> w(12);
  for (int i = 0; i < 12; ++i)
    w[i] = 0.25f * static_cast<float>(i) - 1.0f;
  return w;
}

ArtifactDesc testModelDesc(const std::vector<uint8_t> &code,
                           bool externalWeights) {
  const uint32_t batch = 0;
  ArtifactDesc desc;
  desc.producer = "kiln runtime unit tests";
  desc.symbols = {"batch"};
  desc.inputs = {
      {"x", KILN_DTYPE_FLOAT32, {SizeExpr::symbol(batch), SizeExpr::of(3)}},
      {"y", KILN_DTYPE_FLOAT32, {SizeExpr::symbol(batch), SizeExpr::of(4)}}};
  desc.outputs = {
      {"out", KILN_DTYPE_FLOAT32, {SizeExpr::symbol(batch), SizeExpr::of(4)}}};

  ConstantDesc w;
  w.name = "w";
  w.dims = {3, 4};
  std::vector<float> weights = testWeights();
  w.data.resize(weights.size() * sizeof(float));
  std::memcpy(w.data.data(), weights.data(), w.data.size());
  w.external = externalWeights;
  desc.constants = {w};
  if (externalWeights)
    desc.parameterFile = "weights.bin";

  // t: batch * 4 floats at offset 0; the arena is exactly t.
  desc.arenaSize = SizeExpr::product(16, {batch});
  desc.buffers = {{"t", SizeExpr::of(0), SizeExpr::product(16, {batch})}};

  KernelDesc matmul;
  matmul.name = "matmul";
  matmul.symbol = "kiln_test_matmul";
  matmul.grid = {SizeExpr::symbol(batch).ceilDiv(2), SizeExpr::of(4),
                 SizeExpr::of(1)};
  matmul.bindings = {{BindingKind::Input, 0},
                     {BindingKind::Constant, 0},
                     {BindingKind::Buffer, 0}};
  KernelDesc add;
  add.name = "add";
  add.symbol = "kiln_test_add";
  add.grid = {SizeExpr::symbol(batch), SizeExpr::of(1), SizeExpr::of(1)};
  add.bindings = {{BindingKind::Buffer, 0},
                  {BindingKind::Input, 1},
                  {BindingKind::Output, 0}};
  desc.kernels = {matmul, add};
  desc.codeObject = code;
  desc.codeTriple = "x86_64-unknown-linux-gnu";
  return desc;
}

std::vector<uint8_t> testModelBytes() {
  SerializedArtifact out;
  std::string error;
  if (!serializeArtifact(testModelDesc(testKernels()), out, error)) {
    std::fprintf(stderr, "cannot build the test artifact: %s\n", error.c_str());
    return {};
  }
  return out.artifact;
}

std::vector<float> referenceOutput(const std::vector<float> &x,
                                   const std::vector<float> &y, int64_t batch) {
  std::vector<float> w = testWeights();
  std::vector<float> out(static_cast<size_t>(batch) * 4);
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t j = 0; j < 4; ++j) {
      float sum = 0.0f;
      for (int64_t k = 0; k < 3; ++k)
        sum += x[i * 3 + k] * w[k * 4 + j];
      out[i * 4 + j] = sum + y[i * 4 + j];
    }
  return out;
}

} // namespace kiln::test
