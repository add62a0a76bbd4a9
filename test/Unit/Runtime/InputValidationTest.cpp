//===- InputValidationTest.cpp - Wrong inputs are named errors ------------===//

#include "TestArtifacts.h"
#include "TestHelpers.h"

using namespace kiln::test;

namespace {

class InputValidation : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<uint8_t> bytes = testModelBytes();
    kiln_model_t *rawModel = nullptr;
    ASSERT_KILN_OK(kiln_model_load_memory(bytes.data(), bytes.size(),
                                          KILN_LOAD_COPY, &rawModel));
    model.reset(rawModel);
    kiln_session_t *rawSession = nullptr;
    ASSERT_KILN_OK(kiln_session_create(model.get(), &rawSession));
    session.reset(rawSession);
  }

  std::string setX(const char *name, kiln_dtype_t dtype,
                   std::vector<int64_t> dims, size_t bytes) {
    return takeError(kiln_session_set_input(
        session.get(), name, dtype, dims.data(), dims.size(), data, bytes));
  }

  ModelPtr model;
  SessionPtr session;
  alignas(64) float data[64] = {};
};

TEST_F(InputValidation, UnknownName) {
  EXPECT_EQ(setX("z", KILN_DTYPE_FLOAT32, {2, 3}, 24),
            "INVALID_ARGUMENT: the model has no input named 'z' (its inputs: "
            "'x', 'y')");
}

TEST_F(InputValidation, WrongDtype) {
  EXPECT_EQ(setX("x", KILN_DTYPE_INT32, {2, 3}, 24),
            "INVALID_ARGUMENT: input 'x' has dtype int32 but the model "
            "expects float32");
}

TEST_F(InputValidation, WrongRank) {
  EXPECT_EQ(setX("x", KILN_DTYPE_FLOAT32, {2, 3, 1}, 24),
            "INVALID_ARGUMENT: input 'x' has rank 3 but the model expects "
            "rank 2 (shape [batch, 3])");
}

TEST_F(InputValidation, StaticDimMismatch) {
  EXPECT_EQ(setX("x", KILN_DTYPE_FLOAT32, {2, 5}, 40),
            "INVALID_ARGUMENT: input 'x' has shape [2, 5] but the model "
            "expects [batch, 3]: dim 1 must be 3");
}

TEST_F(InputValidation, NegativeDim) {
  EXPECT_EQ(setX("x", KILN_DTYPE_FLOAT32, {-2, 3}, 24),
            "INVALID_ARGUMENT: input 'x' dim 0 is negative (-2)");
}

TEST_F(InputValidation, ByteSizeMismatch) {
  EXPECT_EQ(setX("x", KILN_DTYPE_FLOAT32, {2, 3}, 20),
            "INVALID_ARGUMENT: input 'x' of shape [2, 3] and dtype float32 "
            "needs 24 bytes, but 20 were given");
}

TEST_F(InputValidation, IndexOutOfRange) {
  int64_t dims[2] = {1, 3};
  EXPECT_EQ(takeError(kiln_session_set_input_by_index(
                session.get(), 5, KILN_DTYPE_FLOAT32, dims, 2, data, 12)),
            "INVALID_ARGUMENT: input index 5 is out of range: the model has 2 "
            "inputs");
}

TEST_F(InputValidation, MisalignedData) {
  int64_t dims[2] = {1, 3};
  EXPECT_EQ(takeError(kiln_session_set_input(
                session.get(), "x", KILN_DTYPE_FLOAT32, dims, 2,
                reinterpret_cast<const char *>(data) + 1, 12)),
            "INVALID_ARGUMENT: input 'x': data is not aligned to its 4-byte "
            "elements");
}

TEST_F(InputValidation, RunWithoutAllInputs) {
  ASSERT_EQ(setX("x", KILN_DTYPE_FLOAT32, {2, 3}, 24), "");
  EXPECT_EQ(takeError(kiln_session_run(session.get())),
            "FAILED_PRECONDITION: input 'y' is not set: call "
            "kiln_session_set_input for every input before kiln_session_run");
}

TEST_F(InputValidation, InputsDisagreeOnASymbol) {
  ASSERT_EQ(setX("x", KILN_DTYPE_FLOAT32, {2, 3}, 24), "");
  ASSERT_EQ(setX("y", KILN_DTYPE_FLOAT32, {3, 4}, 48), "");
  EXPECT_EQ(takeError(kiln_session_run(session.get())),
            "INVALID_ARGUMENT: input 'y' dim 0 (batch) is 3 but the other "
            "inputs make it 2: batch=2 (from input 'x')");
  // Fixing the shape makes the same session usable again.
  ASSERT_EQ(setX("y", KILN_DTYPE_FLOAT32, {2, 4}, 32), "");
  EXPECT_KILN_OK(kiln_session_run(session.get()));
}

} // namespace
