//===- ElementValuesTest.cpp - 16-bit floats, element access, previews ----===//

#include "ElementValues.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace kiln::tools;

namespace {

TEST(ElementValues, HalfConversions) {
  struct Case {
    float value;
    uint16_t bits;
  };
  const Case exact[] = {
      {0.0f, 0x0000},     {-0.0f, 0x8000},    {1.0f, 0x3c00},
      {-2.0f, 0xc000},    {0.5f, 0x3800},     {65504.0f, 0x7bff},
      {0x1p-14f, 0x0400}, {0x1p-24f, 0x0001}, {0x3ffp-24f, 0x03ff},
      {INFINITY, 0x7c00}, {-INFINITY, 0xfc00}};
  for (const Case &c : exact) {
    EXPECT_EQ(floatToHalf(c.value), c.bits) << c.value;
    EXPECT_EQ(halfToFloat(c.bits), c.value) << c.bits;
  }
  // Round to nearest, ties to even; overflow to infinity; underflow to 0.
  EXPECT_EQ(floatToHalf(1.0f + 0x1p-11f), 0x3c00);
  EXPECT_EQ(floatToHalf(1.0f + 3 * 0x1p-11f), 0x3c02);
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalf(1e10f), 0x7c00);
  EXPECT_EQ(floatToHalf(0x1p-26f), 0x0000);
  EXPECT_EQ(floatToHalf(0x3p-26f), 0x0001);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  // Every half survives a round trip through float.
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    float f = halfToFloat(static_cast<uint16_t>(bits));
    if (!std::isnan(f)) {
      EXPECT_EQ(floatToHalf(f), bits);
    }
  }
}

TEST(ElementValues, Bfloat16Conversions) {
  EXPECT_EQ(floatToBfloat16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBfloat16(-2.0f), 0xc000);
  EXPECT_EQ(bfloat16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(floatToBfloat16(1.0f + 0x1p-8f), 0x3f80);     // A tie: to even.
  EXPECT_EQ(floatToBfloat16(1.0f + 3 * 0x1p-8f), 0x3f82); // A tie: to even.
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBfloat16(NAN))));
}

TEST(ElementValues, ReadAndWriteEveryDtype) {
  const kiln_dtype_t dtypes[] = {
      KILN_DTYPE_FLOAT32,  KILN_DTYPE_FLOAT64, KILN_DTYPE_FLOAT16,
      KILN_DTYPE_BFLOAT16, KILN_DTYPE_INT8,    KILN_DTYPE_INT16,
      KILN_DTYPE_INT32,    KILN_DTYPE_INT64,   KILN_DTYPE_UINT8,
      KILN_DTYPE_UINT16,   KILN_DTYPE_UINT32,  KILN_DTYPE_UINT64};
  for (kiln_dtype_t dtype : dtypes) {
    uint8_t buffer[32] = {};
    setElementFromDouble(dtype, buffer, 2, 5.0);
    EXPECT_EQ(elementAsDouble(dtype, buffer, 2), 5.0) << kiln_dtype_name(dtype);
    EXPECT_EQ(elementAsDouble(dtype, buffer, 1), 0.0) << kiln_dtype_name(dtype);
  }
  uint8_t b[2] = {};
  setElementFromDouble(KILN_DTYPE_BOOL, b, 1, 0.25);
  EXPECT_EQ(b[1], 1);
  // Out-of-range values saturate instead of being undefined.
  int8_t i8 = 0;
  setElementFromDouble(KILN_DTYPE_INT8, &i8, 0, 1000.0);
  EXPECT_EQ(i8, 127);
  setElementFromDouble(KILN_DTYPE_INT8, &i8, 0, NAN);
  EXPECT_EQ(i8, 0);
  uint32_t u32 = 0;
  setElementFromDouble(KILN_DTYPE_UINT32, &u32, 0, -3.0);
  EXPECT_EQ(u32, 0u);
}

TEST(ElementValues, Previews) {
  const float floats[] = {1.0f, -2.5f, 1e-7f, 3.25f};
  EXPECT_EQ(formatElements(KILN_DTYPE_FLOAT32, floats, 4, 8),
            "[1, -2.5, 1e-07, 3.25]");
  EXPECT_EQ(formatElements(KILN_DTYPE_FLOAT32, floats, 4, 2), "[1, -2.5, ...]");
  EXPECT_EQ(formatElements(KILN_DTYPE_FLOAT32, floats, 0, 8), "[]");
  const int64_t big[] = {INT64_MIN, 9007199254740993};
  EXPECT_EQ(formatElements(KILN_DTYPE_INT64, big, 2, 8),
            "[-9223372036854775808, 9007199254740993]");
  const uint8_t bools[] = {1, 0};
  EXPECT_EQ(formatElements(KILN_DTYPE_BOOL, bools, 2, 8), "[true, false]");
  const int8_t bytes[] = {-128, 127};
  EXPECT_EQ(formatElements(KILN_DTYPE_INT8, bytes, 2, 8), "[-128, 127]");
  const uint16_t halves[] = {0x3c00, 0xc100};
  EXPECT_EQ(formatElements(KILN_DTYPE_FLOAT16, halves, 2, 8), "[1, -2.5]");
}

} // namespace
