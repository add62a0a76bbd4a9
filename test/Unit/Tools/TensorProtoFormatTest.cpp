//===- TensorProtoFormatTest.cpp - Reading and writing TensorProto files --===//
//
// Messages are built here byte by byte (a tiny encoder below), so that the
// packed and unpacked encodings, every typed field and every malformed case
// are covered without libprotobuf. The lit tests check interoperability
// with the onnx package itself.
//
//===----------------------------------------------------------------------===//

#include "ElementValues.h"
#include "TensorFile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace kiln::tools;

namespace {

/// A protobuf message under construction.
struct Message {
  std::vector<uint8_t> bytes;

  Message &varint(uint64_t value) {
    while (value >= 0x80) {
      bytes.push_back(static_cast<uint8_t>(value | 0x80));
      value >>= 7;
    }
    bytes.push_back(static_cast<uint8_t>(value));
    return *this;
  }
  Message &key(uint32_t field, uint32_t wireType) {
    return varint((static_cast<uint64_t>(field) << 3) | wireType);
  }
  Message &field(uint32_t field, uint64_t value) {
    return key(field, 0).varint(value);
  }
  Message &fixed(uint64_t value, size_t width) {
    for (size_t i = 0; i < width; ++i)
      bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
  Message &bytesField(uint32_t field, const std::vector<uint8_t> &payload) {
    key(field, 2).varint(payload.size());
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return *this;
  }
  Message &stringField(uint32_t field, const std::string &text) {
    return bytesField(field, std::vector<uint8_t>(text.begin(), text.end()));
  }
  Message &raw(std::initializer_list<uint8_t> more) {
    bytes.insert(bytes.end(), more);
    return *this;
  }
};

std::vector<uint8_t> packedVarints(std::initializer_list<uint64_t> values) {
  Message m;
  for (uint64_t v : values)
    m.varint(v);
  return m.bytes;
}

uint32_t floatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

uint64_t doubleBits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return bits;
}

/// A negative int32/int64 as protobuf encodes it: sign-extended to 64 bits.
uint64_t negative(int64_t value) { return static_cast<uint64_t>(value); }

HostTensor parseOk(const Message &m) {
  HostTensor t;
  std::string error;
  EXPECT_TRUE(parseTensorProto(m.bytes.data(), m.bytes.size(), t, error))
      << error;
  return t;
}

std::string parseError(const std::vector<uint8_t> &bytes) {
  HostTensor t;
  std::string error;
  EXPECT_FALSE(parseTensorProto(bytes.data(), bytes.size(), t, error));
  return error;
}

template <typename T> std::vector<T> valuesOf(const HostTensor &t) {
  EXPECT_EQ(t.data.size() % sizeof(T), 0u);
  std::vector<T> values(t.data.size() / sizeof(T));
  std::memcpy(values.data(), t.data.data(), t.data.size());
  return values;
}

#define EXPECT_ERROR(bytes, text)                                              \
  do {                                                                         \
    std::string message_ = parseError(bytes);                                  \
    EXPECT_NE(message_.find(text), std::string::npos) << message_;             \
  } while (0)

TEST(TensorProtoFormat, RoundTripsEveryDtype) {
  const kiln_dtype_t dtypes[] = {
      KILN_DTYPE_FLOAT32,   KILN_DTYPE_FLOAT64,      KILN_DTYPE_FLOAT16,
      KILN_DTYPE_BFLOAT16,  KILN_DTYPE_INT8,         KILN_DTYPE_INT16,
      KILN_DTYPE_INT32,     KILN_DTYPE_INT64,        KILN_DTYPE_UINT8,
      KILN_DTYPE_UINT16,    KILN_DTYPE_UINT32,       KILN_DTYPE_UINT64,
      KILN_DTYPE_BOOL,      KILN_DTYPE_FLOAT8E4M3FN, KILN_DTYPE_FLOAT8E5M2FNUZ,
      KILN_DTYPE_FLOAT8E8M0};
  const std::vector<std::vector<int64_t>> shapes = {{}, {0}, {3}, {2, 3, 2}};
  for (kiln_dtype_t dtype : dtypes)
    for (const auto &shape : shapes) {
      HostTensor in;
      in.name = "tensor_" + std::string(kiln_dtype_name(dtype));
      in.dtype = dtype;
      in.dims = shape;
      uint64_t bytes = 0;
      ASSERT_TRUE(tensorByteSize(dtype, shape.data(), shape.size(), bytes));
      for (uint64_t i = 0; i < bytes; ++i)
        in.data.push_back(static_cast<uint8_t>(i * 13 + 1) &
                          (dtype == KILN_DTYPE_BOOL ? 1 : 0xff));
      std::vector<uint8_t> file;
      std::string error;
      ASSERT_TRUE(serializeTensorProto(in, file, error)) << error;
      HostTensor out;
      ASSERT_TRUE(parseTensorProto(file.data(), file.size(), out, error))
          << error;
      EXPECT_EQ(out.name, in.name);
      EXPECT_EQ(out.dtype, in.dtype);
      EXPECT_EQ(out.dims, in.dims);
      EXPECT_EQ(out.data, in.data);
    }
}

TEST(TensorProtoFormat, UnpacksAndPacksSubByteTypes) {
  // onnx.numpy_helper.from_array(np.array([1, -1, 7], ml_dtypes.int4)):
  // two elements a byte, the first in the low bits, raw_data F1 07.
  Message m;
  m.field(1, 3).field(2, KILN_DTYPE_INT4).bytesField(9, {0xF1, 0x07});
  HostTensor t;
  std::string error;
  ASSERT_TRUE(parseTensorProto(m.bytes.data(), m.bytes.size(), t, error))
      << error;
  // kiln's layout: a byte each, the bits low.
  EXPECT_EQ(t.data, (std::vector<uint8_t>{0x1, 0xF, 0x7}));
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_INT4, t.data.data(), 1), -1.0);
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_UINT4, t.data.data(), 1), 15.0);
  std::vector<uint8_t> file;
  ASSERT_TRUE(serializeTensorProto(t, file, error)) << error;
  t.name.clear();
  HostTensor again;
  ASSERT_TRUE(parseTensorProto(file.data(), file.size(), again, error));
  EXPECT_EQ(again.data, t.data);
  EXPECT_NE(
      std::search(file.begin(), file.end(), m.bytes.end() - 2, m.bytes.end()),
      file.end());

  // uint2, five elements in two bytes, from int32_data (a byte each).
  Message two;
  two.field(1, 5)
      .field(2, KILN_DTYPE_UINT2)
      .bytesField(5, packedVarints({0xE4, 0x03}));
  ASSERT_TRUE(parseTensorProto(two.bytes.data(), two.bytes.size(), t, error))
      << error;
  EXPECT_EQ(t.data, (std::vector<uint8_t>{0, 1, 2, 3, 3}));

  Message shortData;
  shortData.field(1, 5).field(2, KILN_DTYPE_INT4).bytesField(9, {0x11, 0x11});
  EXPECT_ERROR(shortData.bytes, "needs 3 packed bytes but raw_data has 2");
  Message notAByte;
  notAByte.field(1, 2)
      .field(2, KILN_DTYPE_UINT4)
      .bytesField(5, packedVarints({300}));
  EXPECT_ERROR(notAByte.bytes, "is not a packed byte of uint4");
}

TEST(TensorProtoFormat, DecodesEightAndFourBitFloats) {
  const uint8_t e4m3[] = {0x38, 0xFE, 0x7F, 0x01};
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT8E4M3FN, e4m3, 0), 1.0);
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT8E4M3FN, e4m3, 1), -448.0);
  EXPECT_TRUE(std::isnan(elementAsDouble(KILN_DTYPE_FLOAT8E4M3FN, e4m3, 2)));
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT8E4M3FN, e4m3, 3), 0x1p-9);
  const uint8_t e5m2[] = {0x7B, 0xFC};
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT8E5M2, e5m2, 0), 57344.0);
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT8E5M2, e5m2, 1), -INFINITY);
  const uint8_t e2m1[] = {0x7, 0x1, 0xC};
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT4E2M1, e2m1, 0), 6.0);
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT4E2M1, e2m1, 1), 0.5);
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT4E2M1, e2m1, 2), -2.0);
  const uint8_t e8m0[] = {127, 0xFF};
  EXPECT_EQ(elementAsDouble(KILN_DTYPE_FLOAT8E8M0, e8m0, 0), 1.0);
  EXPECT_TRUE(std::isnan(elementAsDouble(KILN_DTYPE_FLOAT8E8M0, e8m0, 1)));
  uint8_t stored = 0;
  setElementFromDouble(KILN_DTYPE_FLOAT8E4M3FN, &stored, 0, -448.0);
  EXPECT_EQ(stored, 0xFE);
  setElementFromDouble(KILN_DTYPE_INT4, &stored, 0, -1.0);
  EXPECT_EQ(stored, 0xF);
}

TEST(TensorProtoFormat, WritesWhatOnnxWrites) {
  HostTensor t;
  t.name = "x";
  t.dtype = KILN_DTYPE_FLOAT32;
  t.dims = {2, 1};
  t.data = {0, 0, 0x80, 0x3f, 0, 0, 0, 0x40};
  std::vector<uint8_t> file;
  std::string error;
  ASSERT_TRUE(serializeTensorProto(t, file, error));
  // onnx.numpy_helper.from_array(np.array([[1], [2]], 'f4'), 'x')
  //   .SerializeToString()
  const std::vector<uint8_t> expected = {
      0x08, 0x02, 0x08, 0x01, 0x10, 0x01, 0x42, 0x01, 'x', 0x4a,
      0x08, 0,    0,    0x80, 0x3f, 0,    0,    0,    0x40};
  EXPECT_EQ(file, expected);
}

TEST(TensorProtoFormat, ReadsTypedFieldsPackedAndUnpacked) {
  // float_data packed, dims packed.
  Message m;
  m.bytesField(1, packedVarints({2, 2})).field(2, KILN_DTYPE_FLOAT32);
  Message floats;
  for (float f : {1.0f, -2.5f, 3.0f, 0.5f})
    floats.fixed(floatBits(f), 4);
  m.bytesField(4, floats.bytes);
  HostTensor t = parseOk(m);
  EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf<float>(t), (std::vector<float>{1.0f, -2.5f, 3.0f, 0.5f}));

  // float_data unpacked (wire type 5), plus a name.
  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_FLOAT32).stringField(8, "y");
  m.key(4, 5).fixed(floatBits(7.0f), 4).key(4, 5).fixed(floatBits(-1.0f), 4);
  t = parseOk(m);
  EXPECT_EQ(t.name, "y");
  EXPECT_EQ(valuesOf<float>(t), (std::vector<float>{7.0f, -1.0f}));

  // int64_data, negative values, both encodings mixed.
  m = Message();
  m.field(1, 3).field(2, KILN_DTYPE_INT64).field(7, negative(-5));
  m.bytesField(7, packedVarints({0, negative(INT64_MIN)}));
  t = parseOk(m);
  EXPECT_EQ(valuesOf<int64_t>(t), (std::vector<int64_t>{-5, 0, INT64_MIN}));

  // double_data, packed and unpacked (wire type 1).
  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_FLOAT64);
  m.key(10, 1).fixed(doubleBits(0.25), 8);
  Message doubles;
  doubles.fixed(doubleBits(-8.0), 8);
  m.bytesField(10, doubles.bytes);
  t = parseOk(m);
  EXPECT_EQ(valuesOf<double>(t), (std::vector<double>{0.25, -8.0}));

  // uint64_data holds uint64 and uint32.
  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_UINT64);
  m.bytesField(11, packedVarints({UINT64_MAX, 42}));
  t = parseOk(m);
  EXPECT_EQ(valuesOf<uint64_t>(t), (std::vector<uint64_t>{UINT64_MAX, 42}));
  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_UINT32).field(11, 4000000000u).field(11, 1);
  t = parseOk(m);
  EXPECT_EQ(valuesOf<uint32_t>(t), (std::vector<uint32_t>{4000000000u, 1}));

  // A scalar: no dims.
  m = Message();
  m.field(2, KILN_DTYPE_INT32).field(5, negative(-7));
  t = parseOk(m);
  EXPECT_TRUE(t.dims.empty());
  EXPECT_EQ(valuesOf<int32_t>(t), (std::vector<int32_t>{-7}));
}

TEST(TensorProtoFormat, ReadsNarrowTypesFromInt32Data) {
  Message m;
  m.field(1, 3).field(2, KILN_DTYPE_INT8);
  m.bytesField(5, packedVarints({negative(-128), 0, 127}));
  EXPECT_EQ(valuesOf<int8_t>(parseOk(m)), (std::vector<int8_t>{-128, 0, 127}));

  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_UINT8).field(5, 255).field(5, 1);
  EXPECT_EQ(valuesOf<uint8_t>(parseOk(m)), (std::vector<uint8_t>{255, 1}));

  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_INT16);
  m.bytesField(5, packedVarints({negative(-32768), 32767}));
  EXPECT_EQ(valuesOf<int16_t>(parseOk(m)),
            (std::vector<int16_t>{-32768, 32767}));

  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_UINT16).field(5, 65535).field(5, 0);
  EXPECT_EQ(valuesOf<uint16_t>(parseOk(m)), (std::vector<uint16_t>{65535, 0}));

  m = Message();
  m.field(1, 3).field(2, KILN_DTYPE_BOOL);
  m.bytesField(5, packedVarints({1, 0, 1}));
  EXPECT_EQ(valuesOf<uint8_t>(parseOk(m)), (std::vector<uint8_t>{1, 0, 1}));

  // float16 and bfloat16 elements are their bit patterns.
  m = Message();
  m.field(1, 2).field(2, KILN_DTYPE_FLOAT16).field(5, 0x3c00).field(5, 0xc000);
  HostTensor t = parseOk(m);
  EXPECT_EQ(elementAsDouble(t.dtype, t.data.data(), 0), 1.0);
  EXPECT_EQ(elementAsDouble(t.dtype, t.data.data(), 1), -2.0);
  m = Message();
  m.field(2, KILN_DTYPE_BFLOAT16).field(5, 0x3f80);
  t = parseOk(m);
  EXPECT_EQ(elementAsDouble(t.dtype, t.data.data(), 0), 1.0);
}

TEST(TensorProtoFormat, SkipsOtherFields) {
  Message m;
  m.stringField(12, "a doc string").field(1, 1).key(99, 5).fixed(1, 4);
  m.key(98, 1).fixed(1, 8).field(2, KILN_DTYPE_FLOAT32).field(97, 5);
  m.field(14, 0); // data_location DEFAULT.
  m.bytesField(9, {0, 0, 0x80, 0x3f});
  m.bytesField(16, {0x0a, 0x01, 'k'}); // metadata_props.
  HostTensor t = parseOk(m);
  EXPECT_EQ(valuesOf<float>(t), (std::vector<float>{1.0f}));
}

TEST(TensorProtoFormat, RejectsMalformedWireFormat) {
  // A key varint cut short.
  EXPECT_ERROR(std::vector<uint8_t>({0x08, 0x02, 0x80}),
               "truncated varint at byte 2");
  // Eleven continuation bytes; and a tenth byte above 1.
  EXPECT_ERROR(std::vector<uint8_t>({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0x01}),
               "overlong varint at byte 1");
  EXPECT_ERROR(std::vector<uint8_t>({0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0x02}),
               "overlong varint at byte 1");
  // A length past the end; a huge length.
  EXPECT_ERROR(Message().field(2, 1).raw({0x4a, 0x08, 0, 0}).bytes,
               "truncated field at byte 3: 8 bytes announced, 2 left");
  EXPECT_ERROR(
      Message().field(2, 1).key(9, 2).varint(UINT64_MAX / 2).raw({0}).bytes,
      "truncated field");
  // Fixed-width values cut short.
  EXPECT_ERROR(Message().field(2, 1).key(4, 5).raw({0, 0}).bytes,
               "truncated 32-bit value");
  EXPECT_ERROR(Message().field(2, 11).key(10, 1).raw({0, 0, 0}).bytes,
               "truncated 64-bit value");
  EXPECT_ERROR(Message().field(2, 1).key(99, 1).raw({0}).bytes,
               "truncated 64-bit value");
  // Packed fixed-width data that is not a whole number of values.
  EXPECT_ERROR(Message().field(2, 1).bytesField(4, {0, 0, 0, 0, 0}).bytes,
               "packed field 4 (float_data) at byte 4 has 5 bytes, not a "
               "multiple of 4");
  EXPECT_ERROR(Message().field(2, 11).bytesField(10, {0, 0, 0, 0}).bytes,
               "not a multiple of 8");
  // A truncated varint inside packed data.
  EXPECT_ERROR(Message().field(2, 7).bytesField(7, {0x80}).bytes,
               "truncated varint at byte 4");
  // Group and invalid wire types, field number 0.
  EXPECT_ERROR(Message().key(15, 3).bytes, "groups are not used");
  EXPECT_ERROR(Message().key(15, 4).bytes, "groups are not used");
  EXPECT_ERROR(Message().key(15, 6).bytes, "wire type 6 (invalid)");
  EXPECT_ERROR(Message().key(15, 7).bytes, "wire type 7 (invalid)");
  EXPECT_ERROR(std::vector<uint8_t>({0x00, 0x01}), "invalid field number 0");
  // Known fields with the wrong wire type.
  EXPECT_ERROR(Message().key(2, 2).varint(0).bytes,
               "field 2 at byte 0 has wire type 2");
  EXPECT_ERROR(Message().field(8, 1).bytes,
               "field 8 at byte 0 has wire type 0");
  EXPECT_ERROR(Message().key(1, 5).fixed(1, 4).bytes,
               "field 1 (dims) at byte 1 has wire type 5");
  EXPECT_ERROR(Message().key(4, 0).varint(1).bytes,
               "field 4 (float_data) at byte 1 has wire type 0");
}

TEST(TensorProtoFormat, RejectsUnsupportedTensors) {
  EXPECT_ERROR(Message().field(1, 1).bytes, "no data_type");
  EXPECT_ERROR(Message().field(2, 0).bytes, "no data_type");
  for (uint64_t type : {8ull, 14ull, 15ull, 27ull, 100ull, 1ull << 40})
    EXPECT_ERROR(Message().field(2, type).bytes, "unsupported data_type");
  EXPECT_ERROR(Message().field(2, 1).stringField(6, "s").bytes,
               "string tensors");
  EXPECT_ERROR(Message().field(2, 1).bytesField(3, {0x08, 0x00}).bytes,
               "segmented tensors");
  EXPECT_ERROR(Message()
                   .field(2, 1)
                   .bytesField(13, {0x0a, 0x01, 'k', 0x12, 0x01, 'v'})
                   .bytes,
               "the tensor's data is external");
  EXPECT_ERROR(Message().field(2, 1).field(14, 1).bytes,
               "data_location = EXTERNAL");
}

TEST(TensorProtoFormat, RejectsDataThatDoesNotMatch) {
  EXPECT_ERROR(Message().field(1, negative(-2)).field(2, 1).bytes,
               "negative dimension in dims [-2]");
  EXPECT_ERROR(
      Message().field(1, 1ull << 32).field(1, 1ull << 32).field(2, 1).bytes,
      "are too large");
  EXPECT_ERROR(
      Message().field(1, 2).field(2, 1).bytesField(9, {0, 0, 0, 0}).bytes,
      "size mismatch: the float32 tensor of shape [2] needs 8 bytes but "
      "raw_data has 4");
  EXPECT_ERROR(
      Message().field(1, 2).field(2, 7).field(7, 1).bytes,
      "size mismatch: the int64 tensor of shape [2] needs 2 values but "
      "int64_data has 1");
  EXPECT_ERROR(Message().field(1, 2).field(2, 1).bytes,
               "the tensor has no data");
  EXPECT_ERROR(
      Message().field(1, 1).field(2, 6).field(5, 1).bytesField(9, {}).bytes,
      "both raw_data and int32_data");
  EXPECT_ERROR(Message().field(1, 1).field(2, 1).field(7, 1).bytes,
               "cannot hold its values in int64_data (expected float_data");
  EXPECT_ERROR(Message().field(1, 1).field(2, 3).field(5, 128).bytes,
               "int32_data value 128 is out of range for int8");
  EXPECT_ERROR(Message().field(1, 1).field(2, 9).field(5, 2).bytes,
               "int32_data value 2 is out of range for bool");
  EXPECT_ERROR(Message().field(1, 1).field(2, 2).field(5, negative(-1)).bytes,
               "int32_data value -1 is out of range for uint8");
  EXPECT_ERROR(Message().field(1, 1).field(2, 6).field(5, 1ull << 31).bytes,
               "out of range for int32");
  EXPECT_ERROR(Message().field(1, 1).field(2, 12).field(11, 1ull << 32).bytes,
               "uint64_data value 4294967296 is out of range for uint32");
}

TEST(TensorProtoFormat, EveryTruncationFails) {
  HostTensor t;
  t.name = "input";
  t.dtype = KILN_DTYPE_INT32;
  t.dims = {2, 2};
  t.data.assign(16, 0x5a);
  std::vector<uint8_t> file;
  std::string error;
  ASSERT_TRUE(serializeTensorProto(t, file, error));
  for (size_t n = 0; n < file.size(); ++n)
    EXPECT_FALSE(parseError({file.begin(), file.begin() + n}).empty()) << n;
  // Corrupt bytes give an error or a tensor, never a crash.
  for (size_t i = 0; i < file.size(); ++i)
    for (uint8_t value : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::vector<uint8_t> corrupt = file;
      corrupt[i] = value;
      HostTensor out;
      std::string message;
      if (!parseTensorProto(corrupt.data(), corrupt.size(), out, message)) {
        EXPECT_FALSE(message.empty());
      }
    }
}

} // namespace
