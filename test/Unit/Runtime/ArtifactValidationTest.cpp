//===- ArtifactValidationTest.cpp - Bad artifacts are errors, not crashes -===//

#include "TestArtifacts.h"
#include "TestHelpers.h"

#include "Artifact_generated.h"

using namespace kiln::test;
namespace fb = kiln::artifact::fb;

namespace {

/// Loads `bytes`; "" on success, else "CODE: message".
std::string load(const std::vector<uint8_t> &bytes) {
  kiln_model_t *model = nullptr;
  kiln_status_t *status = kiln_model_load_memory(bytes.data(), bytes.size(),
                                                 KILN_LOAD_COPY, &model);
  if (!status)
    kiln_model_release(model);
  return takeError(status);
}

std::vector<uint8_t> serialize(const kiln::artifact::ArtifactDesc &desc) {
  kiln::artifact::SerializedArtifact out;
  std::string error;
  EXPECT_TRUE(kiln::artifact::serializeArtifact(desc, out, error)) << error;
  return out.artifact;
}

fb::Artifact *mutableArtifact(std::vector<uint8_t> &bytes) {
  return fb::GetMutableSizePrefixedArtifact(bytes.data());
}

TEST(ArtifactValidation, TheTestArtifactIsValid) {
  EXPECT_EQ(load(testModelBytes()), "");
}

TEST(ArtifactValidation, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = testModelBytes();
  for (size_t length = 0; length < bytes.size(); ++length) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + length);
    std::string error = load(cut);
    ASSERT_EQ(error.rfind("INVALID_ARTIFACT: ", 0), 0u)
        << "cut at " << length << ": " << error;
  }
}

TEST(ArtifactValidation, EveryFlippedByteLoadsOrFailsCleanly) {
  std::vector<uint8_t> bytes = testModelBytes();
  size_t failures = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t mask : {0xffu, 0x01u, 0x80u}) {
      bytes[i] ^= mask;
      std::string error = load(bytes);
      bytes[i] ^= mask;
      failures += !error.empty();
      // A failure is a status with a message, never a crash.
      ASSERT_TRUE(error.empty() || error.size() > 20) << error;
    }
  }
  // Flips in the metadata and the code object are caught.
  EXPECT_GT(failures, bytes.size());
}

TEST(ArtifactValidation, NotAnArtifact) {
  std::vector<uint8_t> bytes(100, 'a');
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: the file is not a kiln artifact "
                         "(no 'KILN' identifier)");
  EXPECT_EQ(load({1, 2, 3}), "INVALID_ARTIFACT: the file is 3 bytes long, too "
                             "short to be a kiln artifact");
}

TEST(ArtifactValidation, TruncatedMetadataIsNamed) {
  std::vector<uint8_t> bytes = testModelBytes();
  bytes.resize(200);
  std::string error = load(bytes);
  EXPECT_NE(error.find("the file is truncated: its header announces"),
            std::string::npos)
      << error;
}

TEST(ArtifactValidation, NewerFormatIsRefused) {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.formatMajor = 2;
  desc.formatMinor = 3;
  EXPECT_EQ(load(serialize(desc)),
            "UNSUPPORTED_VERSION: the artifact has format version 2.3 but "
            "this runtime reads version 1.x: recompile the model with a "
            "matching kiln-compile");
  // A newer minor version is compatible.
  desc.formatMajor = 1;
  desc.formatMinor = 9;
  EXPECT_EQ(load(serialize(desc)), "");
}

TEST(ArtifactValidation, KernelAbiVersionIsChecked) {
  std::vector<uint8_t> bytes = testModelBytes();
  mutableArtifact(bytes)->mutable_code()->mutate_abi_version(7);
  EXPECT_EQ(load(bytes), "UNSUPPORTED_VERSION: the kernels use CPU kernel ABI "
                         "version 7 but this runtime implements version 1: "
                         "recompile the model");
}

TEST(ArtifactValidation, BindingOutOfRange) {
  std::vector<uint8_t> bytes = testModelBytes();
  mutableArtifact(bytes)
      ->mutable_kernels()
      ->GetMutableObject(1)
      ->mutable_bindings()
      ->GetMutableObject(0)
      ->mutate_index(9);
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: kernel 1 'add' binds buffer 9, "
                         "which does not exist");
}

TEST(ArtifactValidation, WeightsOutsideTheFile) {
  std::vector<uint8_t> bytes = testModelBytes();
  fb::Artifact *artifact = mutableArtifact(bytes);
  artifact->mutate_weights_size(artifact->weights_size() + 64);
  std::string error = load(bytes);
  EXPECT_NE(error.find("INVALID_ARTIFACT: the file is truncated: the weights "
                       "section ends at byte"),
            std::string::npos)
      << error;

  // A second constant sits at offset 64 (a zero offset is not stored in the
  // flatbuffer, so it could not be patched).
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.constants.push_back(desc.constants[0]);
  desc.constants[1].name = "w2";
  std::vector<uint8_t> twoConstants = serialize(desc);
  ASSERT_EQ(load(twoConstants), "");
  bytes = twoConstants;
  ASSERT_TRUE(mutableArtifact(bytes)
                  ->mutable_constants()
                  ->GetMutableObject(1)
                  ->mutate_offset(128));
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: constant 1 'w2' lies outside the "
                         "weights section (truncated file?)");

  bytes = twoConstants;
  ASSERT_TRUE(mutableArtifact(bytes)
                  ->mutable_constants()
                  ->GetMutableObject(1)
                  ->mutate_offset(72));
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: constant 1 'w2' is not 64-byte "
                         "aligned in the weights section");

  bytes = testModelBytes();
  mutableArtifact(bytes)->mutable_constants()->GetMutableObject(0)->mutate_size(
      44);
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: constant 0 'w' holds 44 bytes but "
                         "its shape needs 48");
}

TEST(ArtifactValidation, CorruptedCodeObject) {
  std::vector<uint8_t> bytes = testModelBytes();
  auto *code = mutableArtifact(bytes)->mutable_code()->mutable_data();
  code->Mutate(code->size() / 2, code->Get(code->size() / 2) ^ 0x5a);
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: the code object's checksum does "
                         "not match: the file is corrupted");

  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.codeObject = {'n', 'o', 't', ' ', 'E', 'L', 'F'};
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: the code object is not an ELF file");
}

TEST(ArtifactValidation, MissingKernelSymbol) {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.kernels[0].symbol = "kiln_no_such_kernel";
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: kernel 0 'matmul' calls symbol "
            "'kiln_no_such_kernel', which the code object does not export");
  // Symbols of the object's dependencies are not kernels.
  desc.kernels[0].symbol = "malloc";
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: kernel 0 'matmul' calls symbol 'malloc', which "
            "the code object does not export");
}

TEST(ArtifactValidation, UnbindableSymbol) {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.symbols.push_back("seq");
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: symbol 'seq' is not the size of any input "
            "dimension, so no input can bind it");
}

TEST(ArtifactValidation, BadExpressions) {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.kernels[1].grid[0] = kiln::artifact::SizeExpr::symbol(4);
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: kernel 1 'add' grid dim 0 refers to symbol 4, "
            "but the artifact has fewer symbols");
  desc = testModelDesc(testKernels());
  desc.arenaSize.divisor = 0;
  EXPECT_EQ(load(serialize(desc)), "INVALID_ARTIFACT: the arena size has "
                                   "divisor 0; it must be positive");
}

TEST(ArtifactValidation, DuplicateNames) {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.inputs[1].name = "x";
  EXPECT_EQ(load(serialize(desc)),
            "INVALID_ARTIFACT: two inputs are named 'x'");
}

TEST(ArtifactValidation, BufferOutsideTheArenaFailsTheRun) {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.buffers[0].offset = kiln::artifact::SizeExpr::of(64);
  std::vector<uint8_t> bytes = serialize(desc);
  kiln_model_t *rawModel = nullptr;
  ASSERT_KILN_OK(kiln_model_load_memory(bytes.data(), bytes.size(),
                                        KILN_LOAD_COPY, &rawModel));
  ModelPtr model(rawModel);
  kiln_session_t *rawSession = nullptr;
  ASSERT_KILN_OK(kiln_session_create(model.get(), &rawSession));
  SessionPtr session(rawSession);
  float x[6] = {}, y[8] = {};
  int64_t xd[2] = {2, 3}, yd[2] = {2, 4};
  ASSERT_KILN_OK(kiln_session_set_input(session.get(), "x", KILN_DTYPE_FLOAT32,
                                        xd, 2, x, sizeof x));
  ASSERT_KILN_OK(kiln_session_set_input(session.get(), "y", KILN_DTYPE_FLOAT32,
                                        yd, 2, y, sizeof y));
  EXPECT_EQ(takeError(kiln_session_run(session.get())),
            "INVALID_ARTIFACT: buffer 0 't' [64, +32) is not 64-byte aligned "
            "or outside the arena of 32 bytes");
}

} // namespace

namespace {

/// The test model with a computed symbol and a shape kernel (format 1.1);
/// the kernel's code is any exported function: only loading is tested.
std::vector<uint8_t> withShapeKernel() {
  kiln::artifact::ArtifactDesc desc = testModelDesc(testKernels());
  desc.symbols.push_back("computed0");
  desc.computedSymbols = {1};
  kiln::artifact::KernelDesc shape;
  shape.name = "shape";
  shape.symbol = "kiln_test_add";
  shape.grid = {kiln::artifact::SizeExpr::of(1),
                kiln::artifact::SizeExpr::of(1),
                kiln::artifact::SizeExpr::of(1)};
  shape.bindings = {{kiln::artifact::BindingKind::Input, 0}};
  desc.shapeKernel = shape;
  return serialize(desc);
}

TEST(ArtifactValidation, ComputedSymbolsNeedAShapeKernelOfInputs) {
  EXPECT_EQ(load(withShapeKernel()), "");

  std::vector<uint8_t> bytes = withShapeKernel();
  mutableArtifact(bytes)
      ->mutable_shape_kernel()
      ->mutable_bindings()
      ->GetMutableObject(0)
      ->mutate_kind(fb::BindingKind::Buffer);
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: the shape kernel binds something "
                         "other than an input");

  bytes = withShapeKernel();
  mutableArtifact(bytes)->mutable_computed_symbols()->Mutate(0, 7);
  EXPECT_EQ(load(bytes), "INVALID_ARTIFACT: computed symbol 7 does not exist");

  // A symbol neither computed nor bound by an input dimension.
  bytes = withShapeKernel();
  mutableArtifact(bytes)->mutable_computed_symbols()->Mutate(0, 0);
  EXPECT_NE(load(bytes).find("symbol 'computed0' is not the size of any "
                             "input dimension"),
            std::string::npos);
}

} // namespace
