//===- TensorFileTest.cpp - Tensor files on disk --------------------------===//

#include "TensorFile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace kiln::tools;

namespace {

/// A fresh directory, removed with its files at the end of the test.
class TensorFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/kiln-tensor-file-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    for (const std::string &file : created)
      std::remove(file.c_str());
    rmdir(dir.c_str());
  }
  std::string path(const std::string &name) {
    created.push_back(dir + "/" + name);
    return created.back();
  }
  void writeBytes(const std::string &file, const std::string &bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
  }

  std::string dir;
  std::vector<std::string> created;
};

HostTensor sample() {
  HostTensor t;
  t.name = "x";
  t.dtype = KILN_DTYPE_INT16;
  t.dims = {2, 2};
  t.data = {1, 0, 2, 0, 3, 0, 0xff, 0xff};
  return t;
}

TEST(TensorFileFormats, ByExtensionAndName) {
  EXPECT_EQ(formatFromExtension("a/b/x.npy"), TensorFileFormat::Npy);
  EXPECT_EQ(formatFromExtension("input_0.pb"), TensorFileFormat::TensorProto);
  EXPECT_EQ(formatFromExtension("x.npz"), std::nullopt);
  EXPECT_EQ(formatFromExtension("npy"), std::nullopt);
  EXPECT_EQ(formatFromName("npy"), TensorFileFormat::Npy);
  EXPECT_EQ(formatFromName("pb"), TensorFileFormat::TensorProto);
  EXPECT_EQ(formatFromName("onnx"), std::nullopt);
  EXPECT_STREQ(formatExtension(TensorFileFormat::Npy), ".npy");
  EXPECT_STREQ(formatExtension(TensorFileFormat::TensorProto), ".pb");
}

TEST_F(TensorFileTest, RoundTripsBothFormats) {
  for (TensorFileFormat format :
       {TensorFileFormat::Npy, TensorFileFormat::TensorProto}) {
    std::string file = path(std::string("t") + formatExtension(format));
    std::string error;
    ASSERT_TRUE(writeTensorFile(file, sample(), format, error)) << error;
    HostTensor t;
    ASSERT_TRUE(readTensorFile(file, t, error)) << error;
    EXPECT_EQ(t.dtype, KILN_DTYPE_INT16);
    EXPECT_EQ(t.dims, sample().dims);
    EXPECT_EQ(t.data, sample().data);
    // Only TensorProto stores a name.
    EXPECT_EQ(t.name, format == TensorFileFormat::Npy ? "" : "x");
  }
}

TEST_F(TensorFileTest, ErrorsNameTheFile) {
  HostTensor t;
  std::string error;
  std::string missing = dir + "/missing.npy";
  EXPECT_FALSE(readTensorFile(missing, t, error));
  EXPECT_EQ(error, missing + ": cannot open: No such file or directory");

  std::string unknown = path("x.bin");
  writeBytes(unknown, "data");
  EXPECT_FALSE(readTensorFile(unknown, t, error));
  EXPECT_EQ(error, unknown + ": unknown tensor file type: the name must end "
                             "in .npy (NumPy) or .pb (ONNX TensorProto)");

  std::string garbage = path("garbage.npy");
  writeBytes(garbage, "this is not numpy");
  EXPECT_FALSE(readTensorFile(garbage, t, error));
  EXPECT_EQ(error.rfind(garbage + ": not a .npy file (bad magic", 0), 0u)
      << error;

  std::string empty = path("empty.pb");
  writeBytes(empty, "");
  EXPECT_FALSE(readTensorFile(empty, t, error));
  EXPECT_EQ(error, empty + ": the tensor has no data_type (field 2)");

  std::string directory = dir + "/sub.npy";
  ASSERT_EQ(mkdir(directory.c_str(), 0700), 0);
  EXPECT_FALSE(readTensorFile(directory, t, error));
  EXPECT_EQ(error, directory + ": not a regular file");
  rmdir(directory.c_str());

  std::string unwritable = dir + "/no/such/dir/out.npy";
  EXPECT_FALSE(
      writeTensorFile(unwritable, sample(), TensorFileFormat::Npy, error));
  EXPECT_EQ(error.rfind(unwritable + ": cannot create: ", 0), 0u) << error;
}

} // namespace
