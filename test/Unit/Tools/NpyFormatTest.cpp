//===- NpyFormatTest.cpp - Reading and writing .npy files -----------------===//

#include "TensorFile.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace kiln::tools;

namespace {

std::vector<uint8_t> bytesOf(const std::string &text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

/// A .npy file of version major.0 with `header` (padded as numpy does) and
/// `data`.
std::vector<uint8_t> npyFile(const std::string &header,
                             const std::vector<uint8_t> &data,
                             uint8_t major = 1) {
  size_t prefix = major == 1 ? 10 : 12;
  std::string padded = header;
  while ((prefix + padded.size() + 1) % 64 != 0)
    padded += ' ';
  padded += '\n';
  std::vector<uint8_t> out = bytesOf(std::string("\x93NUMPY", 6));
  out.push_back(major);
  out.push_back(0);
  for (size_t i = 0; i < prefix - 8; ++i)
    out.push_back(static_cast<uint8_t>(padded.size() >> (8 * i)));
  out.insert(out.end(), padded.begin(), padded.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string parseError(const std::vector<uint8_t> &file) {
  HostTensor tensor;
  std::string error;
  EXPECT_FALSE(parseNpy(file.data(), file.size(), tensor, error));
  return error;
}

HostTensor parseOk(const std::vector<uint8_t> &file) {
  HostTensor tensor;
  std::string error;
  EXPECT_TRUE(parseNpy(file.data(), file.size(), tensor, error)) << error;
  return tensor;
}

HostTensor makeTensor(kiln_dtype_t dtype, std::vector<int64_t> dims) {
  HostTensor t;
  t.dtype = dtype;
  t.dims = std::move(dims);
  uint64_t bytes = 0;
  EXPECT_TRUE(tensorByteSize(t.dtype, t.dims.data(), t.dims.size(), bytes));
  t.data.resize(bytes);
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = static_cast<uint8_t>(i * 7 + 3);
  if (dtype == KILN_DTYPE_BOOL)
    for (uint8_t &b : t.data)
      b &= 1;
  return t;
}

TEST(NpyFormat, RoundTripsEveryDtypeAndRank) {
  const kiln_dtype_t dtypes[] = {
      KILN_DTYPE_FLOAT32, KILN_DTYPE_FLOAT64, KILN_DTYPE_FLOAT16,
      KILN_DTYPE_INT8,    KILN_DTYPE_INT16,   KILN_DTYPE_INT32,
      KILN_DTYPE_INT64,   KILN_DTYPE_UINT8,   KILN_DTYPE_UINT16,
      KILN_DTYPE_UINT32,  KILN_DTYPE_UINT64,  KILN_DTYPE_BOOL};
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {0}, {5}, {2, 3}, {2, 0, 3}, {1, 2, 3, 4}};
  for (kiln_dtype_t dtype : dtypes)
    for (const auto &shape : shapes) {
      HostTensor in = makeTensor(dtype, shape);
      std::vector<uint8_t> file;
      std::string error;
      ASSERT_TRUE(serializeNpy(in, file, error)) << error;
      HostTensor out = parseOk(file);
      EXPECT_EQ(out.dtype, dtype) << kiln_dtype_name(dtype);
      EXPECT_EQ(out.dims, in.dims);
      EXPECT_EQ(out.data, in.data);
    }
}

TEST(NpyFormat, WritesNumpysLayout) {
  HostTensor t = makeTensor(KILN_DTYPE_FLOAT32, {3});
  std::vector<uint8_t> file;
  std::string error;
  ASSERT_TRUE(serializeNpy(t, file, error)) << error;
  // Version 1.0; the data starts at a multiple of 64; the header ends in \n.
  EXPECT_EQ(file[6], 1);
  EXPECT_EQ(file[7], 0);
  size_t headerLength = file[8] | (file[9] << 8);
  EXPECT_EQ((10 + headerLength) % 64, 0u);
  EXPECT_EQ(file[10 + headerLength - 1], '\n');
  std::string header(file.begin() + 10, file.begin() + 10 + headerLength);
  EXPECT_EQ(header.substr(0, header.find('}') + 1),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  EXPECT_EQ(file.size(), 10 + headerLength + 12);
}

TEST(NpyFormat, ReadsNumpyHeaders) {
  std::vector<uint8_t> data(24, 0);
  HostTensor t = parseOk(npyFile(
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data));
  EXPECT_EQ(t.dtype, KILN_DTYPE_INT32);
  EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3}));
  // Versions 2.0 and 3.0 differ only by a 32-bit header length.
  for (uint8_t major : {2, 3}) {
    t = parseOk(
        npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                data, major));
    EXPECT_EQ(t.dtype, KILN_DTYPE_FLOAT64);
    EXPECT_EQ(t.dims, (std::vector<int64_t>{3}));
  }
  // Any key order, double quotes, no trailing comma, Python 2 longs.
  t = parseOk(npyFile(
      "{\"shape\": (3L, 2L), \"fortran_order\": False, \"descr\": \"<u4\"}",
      data));
  EXPECT_EQ(t.dtype, KILN_DTYPE_UINT32);
  EXPECT_EQ(t.dims, (std::vector<int64_t>{3, 2}));
  // A scalar.
  t = parseOk(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                      std::vector<uint8_t>(4)));
  EXPECT_TRUE(t.dims.empty());
  // Byte order does not matter for one-byte types.
  for (const char *descr : {"|i1", "<i1", ">i1", "|u1", "|b1", "=u1"}) {
    t = parseOk(npyFile(std::string("{'descr': '") + descr +
                            "', 'fortran_order': False, 'shape': (2,), }",
                        std::vector<uint8_t>(2)));
    EXPECT_EQ(kiln_dtype_size(t.dtype), 1u) << descr;
  }
}

TEST(NpyFormat, RejectsBadMagicAndVersions) {
  EXPECT_NE(parseError({}).find("bad magic"), std::string::npos);
  EXPECT_NE(parseError(bytesOf("PK\x03\x04 not npy")).find("bad magic"),
            std::string::npos);
  EXPECT_NE(parseError(bytesOf(std::string("\x93NUMPX\x01\x00", 8)))
                .find("bad magic"),
            std::string::npos);
  std::vector<uint8_t> file =
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
              std::vector<uint8_t>(4));
  file[6] = 4;
  EXPECT_NE(parseError(file).find("unsupported .npy format version 4.0"),
            std::string::npos);
  file[6] = 1;
  file[7] = 1;
  EXPECT_NE(parseError(file).find("version 1.1"), std::string::npos);
}

TEST(NpyFormat, RejectsTruncatedHeaders) {
  std::vector<uint8_t> file =
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
              std::vector<uint8_t>(8));
  EXPECT_NE(parseError({file.begin(), file.begin() + 7}).find("truncated"),
            std::string::npos);
  EXPECT_NE(parseError({file.begin(), file.begin() + 9}).find("truncated"),
            std::string::npos);
  EXPECT_NE(
      parseError({file.begin(), file.begin() + 40}).find("truncated header"),
      std::string::npos);
  // Every strict prefix fails, none crashes.
  for (size_t n = 0; n < file.size(); ++n)
    EXPECT_FALSE(parseError({file.begin(), file.begin() + n}).empty()) << n;
}

TEST(NpyFormat, RejectsFortranOrderAndBigEndian) {
  std::vector<uint8_t> data(24);
  EXPECT_NE(parseError(npyFile("{'descr': '<f4', 'fortran_order': True, "
                               "'shape': (2, 3), }",
                               data))
                .find("Fortran-order arrays are not supported"),
            std::string::npos);
  std::string error = parseError(npyFile(
      "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data));
  EXPECT_NE(error.find("big-endian data ('>f4') is not supported"),
            std::string::npos)
      << error;
}

TEST(NpyFormat, RejectsUnsupportedDtypes) {
  std::vector<uint8_t> data(16);
  for (const char *descr : {"<c8", "<U4", "|O", "|f4", "<f16", "f4", "<b2"}) {
    std::string error =
        parseError(npyFile(std::string("{'descr': '") + descr +
                               "', 'fortran_order': False, 'shape': (2,), }",
                           data));
    EXPECT_NE(error.find("unsupported dtype"), std::string::npos)
        << descr << ": " << error;
  }
  EXPECT_NE(parseError(npyFile("{'descr': [('a', '<f4')], 'fortran_order': "
                               "False, 'shape': (2,), }",
                               data))
                .find("structured dtypes"),
            std::string::npos);
}

TEST(NpyFormat, RejectsMalformedHeaderDicts) {
  struct Case {
    const char *header;
    const char *message;
  };
  const Case cases[] = {
      {"['descr', '<f4']", "not a dict"},
      {"{'descr': '<f4', 'fortran_order': False}", "no 'shape' key"},
      {"{'fortran_order': False, 'shape': (1,)}", "no 'descr' key"},
      {"{'descr': '<f4', 'shape': (1,)}", "no 'fortran_order' key"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
       "unexpected key 'x'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': "
       "(1,)}",
       "'descr' appears twice"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
       "not True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "not a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
       "not a non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}",
       "expected ',' or ')'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': "
       "(99999999999999999999,)}",
       "too large"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk",
       "unexpected text after the dict"},
      {"{'descr: '<f4'", "expected ':'"},
      {"{'descr': '<f4' 'fortran_order': False}", "expected ',' or '}'"},
      {"{descr: '<f4'}", "expected a quoted key"},
      {"", "not a dict"},
  };
  for (const Case &c : cases) {
    std::string error = parseError(npyFile(c.header, std::vector<uint8_t>(4)));
    EXPECT_NE(error.find(c.message), std::string::npos)
        << c.header << " gave: " << error;
    EXPECT_NE(error.find("malformed header"), std::string::npos) << error;
  }
}

TEST(NpyFormat, RejectsSizeMismatchesAndOverflows) {
  const char *header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  std::string error = parseError(npyFile(header, std::vector<uint8_t>(20)));
  EXPECT_NE(error.find("size mismatch"), std::string::npos) << error;
  EXPECT_NE(error.find("(truncated)"), std::string::npos) << error;
  error = parseError(npyFile(header, std::vector<uint8_t>(28)));
  EXPECT_NE(error.find("has 24 bytes of data but the file holds 28"),
            std::string::npos)
      << error;
  // 2^32 * 2^32 elements overflow 64 bits; 2^62 floats overflow the bytes.
  error = parseError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (4294967296, 4294967296), }",
                             {}));
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
  error = parseError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (4611686018427387904,), }",
                             {}));
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
}

TEST(NpyFormat, SurvivesCorruption) {
  HostTensor t = makeTensor(KILN_DTYPE_INT16, {2, 3});
  std::vector<uint8_t> file;
  std::string error;
  ASSERT_TRUE(serializeNpy(t, file, error));
  for (size_t i = 0; i < file.size(); ++i)
    for (uint8_t value : {0x00, 0xff, 0x29, 0x2c, 0x27}) {
      std::vector<uint8_t> corrupt = file;
      corrupt[i] = value;
      HostTensor out;
      std::string message;
      if (!parseNpy(corrupt.data(), corrupt.size(), out, message)) {
        EXPECT_FALSE(message.empty());
      }
    }
}

TEST(NpyFormat, CannotWriteBfloat16) {
  HostTensor t = makeTensor(KILN_DTYPE_BFLOAT16, {2});
  std::vector<uint8_t> file;
  std::string error;
  EXPECT_FALSE(serializeNpy(t, file, error));
  EXPECT_NE(error.find("NumPy has no dtype for bfloat16"), std::string::npos);
  t = makeTensor(KILN_DTYPE_FLOAT32, {2});
  t.data.pop_back();
  EXPECT_FALSE(serializeNpy(t, file, error));
  EXPECT_NE(error.find("does not match its shape"), std::string::npos);
}

} // namespace
