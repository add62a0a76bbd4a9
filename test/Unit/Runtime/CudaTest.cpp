//===- CudaTest.cpp - CUDA artifacts, device API and synthetic weights ----===//
//
// Everything here passes on machines without a GPU: format and validation
// tests never reach the driver, and the tests that run kernels skip with a
// reason when no CUDA driver or device is present. On a GPU machine run
//
//   KilnRuntimeTests --gtest_filter='Cuda*'
//
//===----------------------------------------------------------------------===//

#include "TestArtifacts.h"
#include "TestHelpers.h"

#include "Artifact_generated.h"
#include "kiln-runtime/cuda_kernel_abi.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

using namespace kiln::test;
namespace fb = kiln::artifact::fb;
namespace art = kiln::artifact;

namespace {

std::vector<uint8_t> serialize(const art::ArtifactDesc &desc) {
  art::SerializedArtifact out;
  std::string error;
  EXPECT_TRUE(art::serializeArtifact(desc, out, error)) << error;
  return out.artifact;
}

std::string writerError(const art::ArtifactDesc &desc) {
  art::SerializedArtifact out;
  std::string error;
  EXPECT_FALSE(art::serializeArtifact(desc, out, error));
  return error;
}

std::string load(const std::vector<uint8_t> &bytes) {
  kiln_model_t *raw = nullptr;
  std::string error = takeError(
      kiln_model_load_memory(bytes.data(), bytes.size(), KILN_LOAD_COPY, &raw));
  kiln_model_release(raw);
  return error;
}

fb::Artifact *mutableArtifact(std::vector<uint8_t> &bytes) {
  return fb::GetMutableSizePrefixedArtifact(bytes.data());
}

uint64_t fnv1a64(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const auto *part : {&a, &b})
    for (uint8_t byte : *part)
      hash = (hash ^ byte) * 0x100000001b3ull;
  return hash;
}

/// Loads the CUDA test model, or says why the GPU tests cannot run here.
bool loadCudaModel(const art::ArtifactDesc &desc, ModelPtr &model,
                   std::string &skipReason) {
  std::vector<uint8_t> bytes = serialize(desc);
  kiln_model_t *raw = nullptr;
  kiln_status_t *status =
      kiln_model_load_memory(bytes.data(), bytes.size(), KILN_LOAD_COPY, &raw);
  if (kiln_status_code(status) == KILN_STATUS_UNAVAILABLE) {
    skipReason = takeError(status);
    return false;
  }
  EXPECT_EQ(takeError(status), "");
  model.reset(raw);
  return raw != nullptr;
}

TEST(CudaArtifact, RoundTripKeepsTheCudaFields) {
  art::ArtifactDesc desc = cudaTestModelDesc();
  desc.codeObject = {1, 2, 3, 4}; // stands for a cubin
  std::vector<uint8_t> bytes = serialize(desc);
  const fb::Artifact &artifact = *fb::GetSizePrefixedArtifact(bytes.data());
  EXPECT_EQ(artifact.format_major(), 1u);
  EXPECT_EQ(artifact.format_minor(), 2u);
  const fb::CodeObject &code = *artifact.code();
  EXPECT_EQ(code.format(), fb::CodeFormat::Cuda);
  EXPECT_EQ(code.abi_version(),
            static_cast<uint32_t>(KILN_CUDA_KERNEL_ABI_VERSION));
  ASSERT_TRUE(code.chip());
  EXPECT_EQ(code.chip()->str(), "sm_90");
  ASSERT_TRUE(code.ptx());
  EXPECT_EQ(std::vector<uint8_t>(code.ptx()->begin(), code.ptx()->end()),
            desc.codePtx);
  EXPECT_EQ(std::vector<uint8_t>(code.data()->begin(), code.data()->end()),
            desc.codeObject);
  EXPECT_EQ(code.checksum(), fnv1a64(desc.codeObject, desc.codePtx));
  const fb::Kernel &kernel = *artifact.kernels()->Get(2);
  ASSERT_TRUE(kernel.block());
  ASSERT_EQ(kernel.block()->size(), 3u);
  EXPECT_EQ(kernel.block()->Get(0), 64u);
  EXPECT_EQ(kernel.block()->Get(1), 1u);
  EXPECT_EQ(kernel.shared_bytes(), 256u);

  // A CPU artifact keeps its old shape: no block, no PTX, checksum of data.
  std::vector<uint8_t> cpu = testModelBytes();
  const fb::Artifact &cpuArtifact = *fb::GetSizePrefixedArtifact(cpu.data());
  EXPECT_EQ(cpuArtifact.code()->format(), fb::CodeFormat::ElfSharedObject);
  EXPECT_FALSE(cpuArtifact.code()->ptx());
  EXPECT_FALSE(cpuArtifact.kernels()->Get(0)->block());
}

TEST(CudaArtifact, WriterRejectsInconsistentCudaDescriptions) {
  art::ArtifactDesc desc = cudaTestModelDesc();
  desc.codePtx.clear();
  EXPECT_EQ(writerError(desc), "a CUDA code object needs PTX (codePtx is "
                               "empty)");
  desc = cudaTestModelDesc();
  desc.kernels[0].block = {0, 1, 1};
  EXPECT_NE(writerError(desc).find("kernel 'add_xw' has a block of 0x1x1"),
            std::string::npos);
  desc.kernels[0].block = {64, 32, 1};
  EXPECT_NE(writerError(desc).find("the product at most 1024"),
            std::string::npos);
}

TEST(CudaArtifact, LoaderRejectsMalformedCudaCode) {
  // Without PTX: a CPU artifact whose code object claims to be CUDA.
  std::vector<uint8_t> bytes = testModelBytes();
  mutableArtifact(bytes)->mutable_code()->mutate_format(fb::CodeFormat::Cuda);
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: the CUDA code object has no PTX");

  bytes = serialize(cudaTestModelDesc());
  mutableArtifact(bytes)
      ->mutable_kernels()
      ->GetMutableObject(0)
      ->mutable_block()
      ->Mutate(1, 0);
  EXPECT_EQ(load(bytes),
            "INVALID_ARTIFACT: kernel 0 'add_xw' has a block of 128x0x1 "
            "threads; each extent must be at least 1 and the product at most "
            "1024");
  bytes = serialize(cudaTestModelDesc());
  mutableArtifact(bytes)
      ->mutable_kernels()
      ->GetMutableObject(0)
      ->mutable_block()
      ->Mutate(1, 16);
  EXPECT_NE(load(bytes).find("has a block of 128x16x1 threads"),
            std::string::npos);

  bytes = serialize(cudaTestModelDesc());
  auto *ptx = mutableArtifact(bytes)->mutable_code()->mutable_ptx();
  ptx->Mutate(10, static_cast<uint8_t>(ptx->Get(10) ^ 1));
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: the code object's checksum does "
                         "not match: the file is corrupted");

  bytes = serialize(cudaTestModelDesc());
  mutableArtifact(bytes)->mutable_code()->mutate_abi_version(9);
  EXPECT_NE(load(bytes).find("UNSUPPORTED_VERSION: the kernels use CUDA "
                             "kernel ABI version 9"),
            std::string::npos);

  // The arena plan must keep CUDA buffers 256-byte aligned.
  art::ArtifactDesc desc = cudaTestModelDesc();
  desc.buffers[0].offset = art::SizeExpr::of(64);
  desc.arenaSize = art::SizeExpr::of(8192);
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: buffer 't' is not 256-byte aligned in the "
            "arena, as CUDA kernels need");
}

// Symbolic sizes and sizes computed by a shape kernel on the GPU are valid
// CUDA artifacts: the loader gets past validation to the driver (which is
// absent here, or present on the GPU machine).
TEST(CudaArtifact, SymbolicSizesAndAShapeKernelAreValid) {
  auto loadsOrLacksDriver = [](const std::string &result) {
    return result.empty() || result.rfind("UNAVAILABLE: ", 0) == 0;
  };
  art::ArtifactDesc desc = cudaTestModelDesc();
  desc.symbols = {"n"};
  desc.inputs[0].dims = {art::SizeExpr::symbol(0)};
  std::string result = load(serialize(desc));
  EXPECT_TRUE(loadsOrLacksDriver(result)) << result;

  desc = cudaTestModelDesc();
  desc.symbols = {"s"};
  desc.computedSymbols = {0};
  art::KernelDesc shape;
  shape.name = "shape";
  shape.symbol = "kiln_test_vadd";
  shape.bindings = {{art::BindingKind::Input, 0}};
  desc.shapeKernel = shape;
  result = load(serialize(desc));
  EXPECT_TRUE(loadsOrLacksDriver(result)) << result;
}

TEST(CudaModel, WithoutADriverTheLoadSaysSo) {
  std::vector<uint8_t> bytes = serialize(cudaTestModelDesc());
  kiln_model_t *raw = nullptr;
  kiln_status_t *status =
      kiln_model_load_memory(bytes.data(), bytes.size(), KILN_LOAD_COPY, &raw);
  if (!status) {
    kiln_model_release(raw);
    GTEST_SKIP() << "a CUDA driver and GPU are present";
  }
  std::string error = takeError(status);
  EXPECT_EQ(error.rfind("UNAVAILABLE: ", 0), 0u) << error;
  EXPECT_NE(error.find("cuda:sm_90"), std::string::npos) << error;
  EXPECT_NE(error.find("--target=cpu"), std::string::npos) << error;
  if (error.find("libcuda.so.1 not found") != std::string::npos) {
    EXPECT_EQ(error, "UNAVAILABLE: no CUDA driver (libcuda.so.1 not found): "
                     "this artifact was compiled for cuda:sm_90 and needs an "
                     "NVIDIA GPU; compile with --target=cpu to run here");
  }
}

TEST(CudaModel, TheRequestedDeviceMustBeTheArtifacts) {
  std::string dir = ::testing::TempDir() + "/kiln-device-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::string path = dir + "/cuda.kiln", error;
  ASSERT_TRUE(art::writeArtifactFile(cudaTestModelDesc(), path, error))
      << error;
  kiln_model_load_options_t options;
  kiln_model_load_options_init(&options);
  options.device = KILN_DEVICE_CPU;
  kiln_model_t *raw = nullptr;
  EXPECT_EQ(takeError(kiln_model_load_file_with_options(path.c_str(), &options,
                                                        &raw)),
            "FAILED_PRECONDITION: " + path +
                ": the artifact was compiled for cuda:sm_90, not for cpu: "
                "compile it with --target=cpu, or run it on its own device");
  std::string cpuPath = dir + "/cpu.kiln";
  ASSERT_TRUE(
      art::writeArtifactFile(testModelDesc(testKernels()), cpuPath, error));
  options.device = KILN_DEVICE_CUDA;
  EXPECT_NE(takeError(kiln_model_load_file_with_options(cpuPath.c_str(),
                                                        &options, &raw))
                .find("the artifact was compiled for cpu, not for cuda"),
            std::string::npos);
  options.device = KILN_DEVICE_CPU;
  ASSERT_KILN_OK(
      kiln_model_load_file_with_options(cpuPath.c_str(), &options, &raw));
  EXPECT_EQ(kiln_model_device(raw), KILN_DEVICE_CPU);
  EXPECT_STREQ(kiln_model_target(raw), "cpu");
  kiln_model_release(raw);
  std::remove(path.c_str());
  std::remove(cpuPath.c_str());
  ::rmdir(dir.c_str());
}

TEST(CudaDeviceApi, CpuModelsRefuseDeviceMemory) {
  std::vector<uint8_t> bytes = testModelBytes();
  kiln_model_t *rawModel = nullptr;
  ASSERT_KILN_OK(kiln_model_load_memory(bytes.data(), bytes.size(),
                                        KILN_LOAD_COPY, &rawModel));
  ModelPtr model(rawModel);
  kiln_session_t *rawSession = nullptr;
  ASSERT_KILN_OK(kiln_session_create(model.get(), &rawSession));
  SessionPtr session(rawSession);
  int64_t dims[2] = {1, 3};
  kiln_tensor_view_t view;
  void *stream = nullptr;
  const std::string expected = ": the model was compiled for cpu; device "
                               "memory is only for CUDA models";
  EXPECT_EQ(takeError(kiln_session_set_input_device(
                session.get(), "x", KILN_DTYPE_FLOAT32, dims, 2,
                reinterpret_cast<void *>(256), 12)),
            "FAILED_PRECONDITION: kiln_session_set_input_device" + expected);
  EXPECT_EQ(takeError(kiln_session_get_input_device(session.get(), 0, &view)),
            "FAILED_PRECONDITION: kiln_session_get_input_device" + expected);
  EXPECT_EQ(takeError(kiln_session_set_output_device(
                session.get(), 0, reinterpret_cast<void *>(256), 16)),
            "FAILED_PRECONDITION: kiln_session_set_output_device" + expected);
  EXPECT_EQ(takeError(kiln_session_get_output_device(session.get(), 0, &view)),
            "FAILED_PRECONDITION: kiln_session_get_output_device" + expected);
  EXPECT_EQ(takeError(kiln_session_cuda_stream(session.get(), &stream)),
            "FAILED_PRECONDITION: kiln_session_cuda_stream" + expected);
}

/// The CPU test model with its weight in an absent parameter file.
struct AbsentParameters {
  std::string dir, path;
  AbsentParameters() {
    dir = ::testing::TempDir() + "/kiln-synthetic-XXXXXX";
    EXPECT_NE(::mkdtemp(dir.data()), nullptr);
    path = dir + "/model.kiln";
    std::string error;
    EXPECT_TRUE(art::writeArtifactFile(
        testModelDesc(testKernels(), /*externalWeights=*/true), path, error))
        << error;
    std::remove((dir + "/weights.bin").c_str());
  }
  ~AbsentParameters() {
    std::remove(path.c_str());
    ::rmdir(dir.c_str());
  }
};

/// w as the CPU test model sees it: out = x @ w + 0 with x = I(3).
std::vector<float> syntheticW(const std::string &path) {
  kiln_model_load_options_t options;
  kiln_model_load_options_init(&options);
  options.flags = KILN_LOAD_SYNTHETIC_WEIGHTS;
  kiln_model_t *rawModel = nullptr;
  EXPECT_KILN_OK(
      kiln_model_load_file_with_options(path.c_str(), &options, &rawModel));
  if (!rawModel)
    return {};
  ModelPtr model(rawModel);
  kiln_session_t *rawSession = nullptr;
  EXPECT_KILN_OK(kiln_session_create(model.get(), &rawSession));
  SessionPtr session(rawSession);
  float x[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, y[12] = {};
  int64_t xDims[2] = {3, 3}, yDims[2] = {3, 4};
  EXPECT_KILN_OK(kiln_session_set_input(session.get(), "x", KILN_DTYPE_FLOAT32,
                                        xDims, 2, x, sizeof x));
  EXPECT_KILN_OK(kiln_session_set_input(session.get(), "y", KILN_DTYPE_FLOAT32,
                                        yDims, 2, y, sizeof y));
  EXPECT_KILN_OK(kiln_session_run(session.get()));
  std::vector<float> w(12);
  EXPECT_KILN_OK(
      kiln_session_copy_output(session.get(), 0, w.data(), 12 * sizeof(float)));
  return w;
}

TEST(CudaSyntheticWeights, AbsentParameterFileNamesTheOption) {
  AbsentParameters files;
  kiln_model_t *raw = nullptr;
  std::string error = takeError(kiln_model_load_file(files.path.c_str(), &raw));
  EXPECT_EQ(error.rfind("IO_ERROR: ", 0), 0u) << error;
  EXPECT_NE(error.find("weights.bin': it does not exist"), std::string::npos)
      << error;
  EXPECT_NE(error.find("--synthetic-weights"), std::string::npos) << error;
}

TEST(CudaSyntheticWeights, FillDeterministicallyWithinTheBound) {
  AbsentParameters files;
  std::vector<float> first = syntheticW(files.path);
  std::vector<float> second = syntheticW(files.path);
  ASSERT_EQ(first.size(), 12u);
  EXPECT_EQ(first, second);
  // w is float32[3, 4]: a = sqrt(3 / max(1, 12 / 4)) = 1.
  bool nonZero = false, distinct = false;
  for (float value : first) {
    EXPECT_LE(std::fabs(value), 1.0f);
    nonZero |= value != 0.0f;
    distinct |= value != first[0];
  }
  EXPECT_TRUE(nonZero);
  EXPECT_TRUE(distinct);
  // The file's real values are not what was made up.
  EXPECT_NE(first, testWeights());
}

TEST(CudaSyntheticWeights, AnExistingParameterFileIsUsed) {
  std::string dir = ::testing::TempDir() + "/kiln-present-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::string path = dir + "/model.kiln", error;
  ASSERT_TRUE(art::writeArtifactFile(
      testModelDesc(testKernels(), /*externalWeights=*/true), path, error));
  EXPECT_EQ(syntheticW(path), testWeights());
  std::remove((dir + "/weights.bin").c_str());
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

/// out = x + w + y on the host.
std::vector<float> cudaReference(const std::vector<float> &x,
                                 const std::vector<float> &y) {
  std::vector<float> w = cudaTestWeights(), out(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    out[i] = (x[i] + w[i]) + y[i];
  return out;
}

std::vector<float> hostOutput(kiln_session_t *session) {
  std::vector<float> out(kCudaTestSize);
  EXPECT_KILN_OK(kiln_session_copy_output(session, 0, out.data(),
                                          out.size() * sizeof(float)));
  return out;
}

/// Runs the vector-add model on the GPU through the C API, with and without
/// graph replay, rebinding inputs and outputs to device memory in between.
void runOnTheGpu(bool graphs) {
  ModelPtr model;
  std::string skipReason;
  if (!loadCudaModel(cudaTestModelDesc(), model, skipReason))
    GTEST_SKIP() << "no CUDA device here: " << skipReason;
  EXPECT_EQ(kiln_model_device(model.get()), KILN_DEVICE_CUDA);
  EXPECT_STREQ(kiln_model_target(model.get()), "cuda:sm_90");

  kiln_session_options_t options;
  kiln_session_options_init(&options);
  if (!graphs)
    options.flags = KILN_SESSION_NO_CUDA_GRAPH;
  kiln_session_t *rawSession = nullptr;
  ASSERT_KILN_OK(
      kiln_session_create_with_options(model.get(), &options, &rawSession));
  SessionPtr session(rawSession);
  void *stream = nullptr;
  EXPECT_KILN_OK(kiln_session_cuda_stream(session.get(), &stream));
  EXPECT_NE(stream, nullptr);

  std::vector<float> x(kCudaTestSize), y(kCudaTestSize);
  for (int64_t i = 0; i < kCudaTestSize; ++i) {
    x[i] = 0.01f * static_cast<float>(i);
    y[i] = 3.0f - 0.5f * static_cast<float>(i % 11);
  }
  int64_t dims[1] = {kCudaTestSize};
  const size_t bytes = kCudaTestSize * sizeof(float);
  // 1. Host inputs and outputs, twice (the second run replays the graph).
  for (int run = 0; run < 2; ++run) {
    ASSERT_KILN_OK(kiln_session_set_input(
        session.get(), "x", KILN_DTYPE_FLOAT32, dims, 1, x.data(), bytes));
    ASSERT_KILN_OK(kiln_session_set_input(
        session.get(), "y", KILN_DTYPE_FLOAT32, dims, 1, y.data(), bytes));
    ASSERT_KILN_OK(kiln_session_run(session.get()));
    EXPECT_EQ(hostOutput(session.get()), cudaReference(x, y)) << "run " << run;
    x[0] += 1.0f;
  }

  // 2. x read from y's device buffer: a pointer change under the graph.
  kiln_tensor_view_t xView, yView, outView;
  ASSERT_KILN_OK(kiln_session_get_input_device(session.get(), 0, &xView));
  ASSERT_KILN_OK(kiln_session_get_input_device(session.get(), 1, &yView));
  EXPECT_EQ(
      reinterpret_cast<uintptr_t>(xView.data) % KILN_CUDA_BUFFER_ALIGNMENT, 0u);
  EXPECT_EQ(xView.size_bytes, bytes);
  ASSERT_KILN_OK(kiln_session_set_input_device(
      session.get(), "x", KILN_DTYPE_FLOAT32, dims, 1, yView.data, bytes));
  ASSERT_KILN_OK(kiln_session_run(session.get()));
  EXPECT_EQ(hostOutput(session.get()), cudaReference(y, y));

  // 3. out written to x's (now unused) device buffer, not copied back.
  void *outDevice = const_cast<void *>(xView.data);
  ASSERT_KILN_OK(
      kiln_session_set_output_device(session.get(), 0, outDevice, bytes));
  ASSERT_KILN_OK(kiln_session_run(session.get()));
  EXPECT_EQ(takeError(kiln_session_get_output(session.get(), 0, &outView))
                .rfind("FAILED_PRECONDITION: output 'out' is bound to device "
                       "memory",
                       0),
            0u);
  ASSERT_KILN_OK(kiln_session_get_output_device(session.get(), 0, &outView));
  EXPECT_EQ(outView.data, outDevice);
  EXPECT_EQ(outView.size_bytes, bytes);

  // 4. Feed that device output back in as x: out2 = (out + w) + y.
  std::vector<float> previous = cudaReference(y, y);
  ASSERT_KILN_OK(kiln_session_set_input_device(
      session.get(), "x", KILN_DTYPE_FLOAT32, dims, 1, outDevice, bytes));
  ASSERT_KILN_OK(kiln_session_set_output_device(session.get(), 0, nullptr, 0));
  ASSERT_KILN_OK(kiln_session_run(session.get()));
  EXPECT_EQ(hostOutput(session.get()), cudaReference(previous, y));

  // 5. Misaligned device pointers are refused.
  EXPECT_NE(takeError(kiln_session_set_output_device(
                          session.get(), 0, static_cast<char *>(outDevice) + 4,
                          bytes))
                .find("not aligned to 256 bytes"),
            std::string::npos);
}

TEST(CudaRun, VectorAddWithGraphReplay) { runOnTheGpu(/*graphs=*/true); }

TEST(CudaRun, VectorAddWithoutGraphs) { runOnTheGpu(/*graphs=*/false); }

TEST(CudaRun, SessionsOfOneModelAreIndependent) {
  ModelPtr model;
  std::string skipReason;
  if (!loadCudaModel(cudaTestModelDesc(), model, skipReason))
    GTEST_SKIP() << "no CUDA device here: " << skipReason;
  std::vector<float> x(kCudaTestSize, 1.0f), y(kCudaTestSize, 2.0f);
  int64_t dims[1] = {kCudaTestSize};
  const size_t bytes = kCudaTestSize * sizeof(float);
  SessionPtr sessions[2];
  for (int s = 0; s < 2; ++s) {
    kiln_session_t *raw = nullptr;
    ASSERT_KILN_OK(kiln_session_create(model.get(), &raw));
    sessions[s].reset(raw);
  }
  // The model may be released while its sessions live.
  model.reset();
  for (int s = 0; s < 2; ++s) {
    x[0] = static_cast<float>(s);
    ASSERT_KILN_OK(kiln_session_set_input(
        sessions[s].get(), "x", KILN_DTYPE_FLOAT32, dims, 1, x.data(), bytes));
    ASSERT_KILN_OK(kiln_session_set_input(
        sessions[s].get(), "y", KILN_DTYPE_FLOAT32, dims, 1, y.data(), bytes));
    ASSERT_KILN_OK(kiln_session_run(sessions[s].get()));
  }
  for (int s = 0; s < 2; ++s) {
    x[0] = static_cast<float>(s);
    EXPECT_EQ(hostOutput(sessions[s].get()), cudaReference(x, y));
  }
}

} // namespace
