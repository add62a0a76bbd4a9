//===- ModelTest.cpp - Loading artifacts and reading their signature ------===//

#include "TestArtifacts.h"
#include "TestHelpers.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace kiln::test;

namespace {

TEST(Model, VersionsAreReported) {
  EXPECT_STREQ(kiln_version(), "0.1.0");
  uint32_t major = 0, minor = 99;
  kiln_artifact_format_version(&major, &minor);
  EXPECT_EQ(major, kiln::artifact::kFormatMajor);
  EXPECT_EQ(minor, kiln::artifact::kFormatMinor);
}

TEST(Model, KernelsAreBuilt) { ASSERT_FALSE(testKernels().empty()); }

TEST(Model, LoadFromMemoryCopyDescribesTheSignature) {
  std::vector<uint8_t> bytes = testModelBytes();
  kiln_model_t *raw = nullptr;
  ASSERT_KILN_OK(
      kiln_model_load_memory(bytes.data(), bytes.size(), KILN_LOAD_COPY, &raw));
  ModelPtr model(raw);
  // The copy is independent of the caller's bytes.
  std::fill(bytes.begin(), bytes.end(), 0);

  ASSERT_EQ(kiln_model_num_inputs(model.get()), 2u);
  ASSERT_EQ(kiln_model_num_outputs(model.get()), 1u);
  kiln_tensor_info_t info;
  ASSERT_KILN_OK(kiln_model_input_info(model.get(), 0, &info));
  EXPECT_STREQ(info.name, "x");
  EXPECT_EQ(info.dtype, KILN_DTYPE_FLOAT32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.dims[0], -1);
  EXPECT_STREQ(info.dim_names[0], "batch");
  EXPECT_EQ(info.dims[1], 3);
  EXPECT_EQ(info.dim_names[1], nullptr);

  ASSERT_KILN_OK(kiln_model_output_info(model.get(), 0, &info));
  EXPECT_STREQ(info.name, "out");
  EXPECT_EQ(info.dims[1], 4);

  size_t index = 7;
  ASSERT_KILN_OK(kiln_model_find_input(model.get(), "y", &index));
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(takeError(kiln_model_find_input(model.get(), "z", &index)),
            "INVALID_ARGUMENT: the model has no input named 'z' (its inputs: "
            "'x', 'y')");
  EXPECT_EQ(takeError(kiln_model_input_info(model.get(), 2, &info)),
            "INVALID_ARGUMENT: input index 2 is out of range: the model has 2 "
            "inputs");
}

TEST(Model, LoadFromMemoryBorrowNeedsAlignment) {
  std::vector<uint8_t> bytes = testModelBytes();
  void *aligned = std::aligned_alloc(64, (bytes.size() + 64) / 64 * 64 + 64);
  std::memcpy(aligned, bytes.data(), bytes.size());
  kiln_model_t *raw = nullptr;
  ASSERT_KILN_OK(
      kiln_model_load_memory(aligned, bytes.size(), KILN_LOAD_BORROW, &raw));
  kiln_model_release(raw);

  std::memmove(static_cast<uint8_t *>(aligned) + 1, aligned, bytes.size());
  std::string error =
      takeError(kiln_model_load_memory(static_cast<uint8_t *>(aligned) + 1,
                                       bytes.size(), KILN_LOAD_BORROW, &raw));
  EXPECT_NE(error.find("must be 64-byte aligned"), std::string::npos) << error;
  std::free(aligned);
}

TEST(Model, LoadFromFileAndMissingFile) {
  std::vector<uint8_t> bytes = testModelBytes();
  char path[] = "/tmp/kiln-model-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  close(fd);
  kiln_model_t *raw = nullptr;
  ASSERT_KILN_OK(kiln_model_load_file(path, &raw));
  kiln_model_release(raw);
  unlink(path);

  std::string error = takeError(kiln_model_load_file(path, &raw));
  EXPECT_EQ(error.rfind("IO_ERROR: cannot open artifact '", 0), 0u) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

TEST(Model, NullArgumentsAreErrors) {
  kiln_model_t *raw = nullptr;
  EXPECT_EQ(takeError(kiln_model_load_file(nullptr, &raw)),
            "INVALID_ARGUMENT: kiln_model_load_file: path is NULL");
  EXPECT_EQ(takeError(kiln_model_load_memory(nullptr, 0, KILN_LOAD_COPY, &raw))
                .rfind("INVALID_ARTIFACT: the file is 0 bytes long", 0),
            0u);
  kiln_session_t *session = nullptr;
  EXPECT_EQ(takeError(kiln_session_create(nullptr, &session)),
            "INVALID_ARGUMENT: kiln_session_create: model is NULL");
  EXPECT_EQ(kiln_status_code(nullptr), KILN_STATUS_OK);
  EXPECT_STREQ(kiln_status_message(nullptr), "OK");
}

TEST(Model, DtypeHelpers) {
  EXPECT_EQ(kiln_dtype_size(KILN_DTYPE_FLOAT32), 4u);
  EXPECT_EQ(kiln_dtype_size(KILN_DTYPE_BFLOAT16), 2u);
  EXPECT_EQ(kiln_dtype_size(static_cast<kiln_dtype_t>(8)), 0u); // string
  EXPECT_STREQ(kiln_dtype_name(KILN_DTYPE_INT64), "int64");
}

TEST(Model, ReleasedModelOutlivedBySession) {
  std::vector<uint8_t> bytes = testModelBytes();
  kiln_model_t *model = nullptr;
  ASSERT_KILN_OK(kiln_model_load_memory(bytes.data(), bytes.size(),
                                        KILN_LOAD_COPY, &model));
  kiln_session_t *session = nullptr;
  ASSERT_KILN_OK(kiln_session_create(model, &session));
  kiln_model_release(model); // the session keeps it alive
  float x[3] = {1, 2, 3}, y[4] = {0, 0, 0, 0};
  int64_t xd[2] = {1, 3}, yd[2] = {1, 4};
  ASSERT_KILN_OK(kiln_session_set_input(session, "x", KILN_DTYPE_FLOAT32, xd, 2,
                                        x, sizeof x));
  ASSERT_KILN_OK(kiln_session_set_input(session, "y", KILN_DTYPE_FLOAT32, yd, 2,
                                        y, sizeof y));
  EXPECT_KILN_OK(kiln_session_run(session));
  kiln_session_destroy(session);
}

} // namespace
