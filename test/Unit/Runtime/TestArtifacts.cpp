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

/// c[i] = a[i] + b[i] for i < 1000; bindings {a, b, c}, dims unused.
static const char kVectorAddPtx[] = R"ptx(.version 8.0
.target sm_90
.address_size 64

.visible .entry kiln_test_vadd(
	.param .u64 bindings,
	.param .u64 dims
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<5>;
	.reg .b64 	%rd<12>;
	.reg .f32 	%f<4>;

	ld.param.u64 	%rd1, [bindings];
	cvta.to.global.u64 	%rd1, %rd1;
	mov.u32 	%r1, %ctaid.x;
	mov.u32 	%r2, %ntid.x;
	mov.u32 	%r3, %tid.x;
	mad.lo.s32 	%r4, %r1, %r2, %r3;
	setp.ge.s32 	%p1, %r4, 1000;
	@%p1 bra 	DONE;
	ld.global.u64 	%rd2, [%rd1];
	ld.global.u64 	%rd3, [%rd1+8];
	ld.global.u64 	%rd4, [%rd1+16];
	cvta.to.global.u64 	%rd2, %rd2;
	cvta.to.global.u64 	%rd3, %rd3;
	cvta.to.global.u64 	%rd4, %rd4;
	mul.wide.s32 	%rd5, %r4, 4;
	add.s64 	%rd6, %rd2, %rd5;
	add.s64 	%rd7, %rd3, %rd5;
	add.s64 	%rd8, %rd4, %rd5;
	ld.global.f32 	%f1, [%rd6];
	ld.global.f32 	%f2, [%rd7];
	add.f32 	%f3, %f1, %f2;
	st.global.f32 	[%rd8], %f3;
DONE:
	ret;
}
)ptx";

std::vector<float> cudaTestWeights() {
  std::vector<float> w(kCudaTestSize);
  for (int64_t i = 0; i < kCudaTestSize; ++i)
    w[i] = 0.5f * static_cast<float>(i % 7);
  return w;
}

ArtifactDesc cudaTestModelDesc() {
  ArtifactDesc desc;
  desc.producer = "kiln runtime unit tests (CUDA)";
  TensorDesc vector{"", KILN_DTYPE_FLOAT32, {SizeExpr::of(kCudaTestSize)}};
  desc.inputs = {vector, vector};
  desc.inputs[0].name = "x";
  desc.inputs[1].name = "y";
  desc.outputs = {vector};
  desc.outputs[0].name = "out";

  ConstantDesc w;
  w.name = "w";
  w.dims = {kCudaTestSize};
  std::vector<float> weights = cudaTestWeights();
  w.data.resize(weights.size() * sizeof(float));
  std::memcpy(w.data.data(), weights.data(), w.data.size());
  desc.constants = {w};

  const int64_t bytes = kCudaTestSize * 4;
  desc.arenaSize = SizeExpr::of(4096);
  desc.buffers = {{"t", SizeExpr::of(0), SizeExpr::of(bytes)}};

  KernelDesc addWeights;
  addWeights.name = "add_xw";
  addWeights.symbol = "kiln_test_vadd";
  addWeights.grid = {SizeExpr::of((kCudaTestSize + 127) / 128), SizeExpr::of(1),
                     SizeExpr::of(1)};
  addWeights.block = {128, 1, 1};
  addWeights.bindings = {{BindingKind::Input, 0},
                         {BindingKind::Constant, 0},
                         {BindingKind::Buffer, 0}};
  KernelDesc skipped = addWeights;
  skipped.name = "skipped";
  skipped.grid[0] = SizeExpr::of(0);
  skipped.bindings = {{BindingKind::Input, 0},
                      {BindingKind::Input, 0},
                      {BindingKind::Output, 0}};
  KernelDesc addInput = addWeights;
  addInput.name = "add_ty";
  addInput.block = {64, 1, 1};
  addInput.grid[0] = SizeExpr::of((kCudaTestSize + 63) / 64);
  addInput.sharedBytes = 256;
  addInput.bindings = {{BindingKind::Buffer, 0},
                       {BindingKind::Input, 1},
                       {BindingKind::Output, 0}};
  desc.kernels = {addWeights, skipped, addInput};

  desc.codeFormat = ArtifactDesc::CodeFormat::Cuda;
  desc.codePtx.assign(kVectorAddPtx, kVectorAddPtx + sizeof kVectorAddPtx - 1);
  desc.codeChip = "sm_90";
  desc.codeTriple = "nvptx64-nvidia-cuda";
  return desc;
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
