//===- SyntheticInputsTest.cpp - kiln-bench's made-up inputs --------------===//

#include "SyntheticInputs.h"

#include "ElementValues.h"

#include <gtest/gtest.h>

using namespace kiln::tools;

namespace {

int64_t evaluate(const std::string &text,
                 const std::map<std::string, int64_t> &symbols) {
  DimFormula formula;
  EXPECT_TRUE(parseDimFormula(text, formula)) << text;
  int64_t value = -1;
  std::string error;
  EXPECT_TRUE(evaluateDimFormula(formula, symbols, value, error)) << error;
  return value;
}

TEST(SyntheticInputs, FormulasAsTheRuntimePrintsThem) {
  std::map<std::string, int64_t> s = {{"batch", 3}, {"seq", 5}, {"seq-len", 7}};
  EXPECT_EQ(evaluate("batch", s), 3);
  EXPECT_EQ(evaluate("seq-len", s), 7);
  EXPECT_EQ(evaluate("2*batch", s), 6);
  EXPECT_EQ(evaluate("4*batch*seq + 64", s), 124);
  EXPECT_EQ(evaluate("batch - 1", s), 2);
  EXPECT_EQ(evaluate("-2*batch + seq + 10", s), 9);
  EXPECT_EQ(evaluate("ceildiv(batch*seq, 4)", s), 4);
  EXPECT_EQ(evaluate("ceildiv(batch + 1, 2)", s), 2);

  DimFormula f;
  ASSERT_TRUE(parseDimFormula("batch", f));
  EXPECT_TRUE(f.isSymbol());
  ASSERT_TRUE(parseDimFormula("2*batch", f));
  EXPECT_FALSE(f.isSymbol());
  EXPECT_FALSE(parseDimFormula("", f));
  EXPECT_FALSE(parseDimFormula("a**b", f));
  EXPECT_FALSE(parseDimFormula("ceildiv(a, 0)", f));

  std::string error;
  int64_t value = 0;
  ASSERT_TRUE(parseDimFormula("batch - 10", f));
  EXPECT_FALSE(evaluateDimFormula(f, s, value, error));
  EXPECT_EQ(error, "the value is negative (-7)");
  ASSERT_TRUE(parseDimFormula("heads*batch", f));
  EXPECT_FALSE(evaluateDimFormula(f, s, value, error));
  EXPECT_EQ(error, "symbol 'heads' has no value");
  ASSERT_TRUE(parseDimFormula("4611686018427387904*batch", f));
  EXPECT_FALSE(evaluateDimFormula(f, s, value, error));
  EXPECT_EQ(error, "the value overflows");
}

/// A signature entry over static storage.
struct Signature {
  std::vector<int64_t> dims;
  std::vector<const char *> names;
  kiln_tensor_info_t info(const char *name, kiln_dtype_t dtype) const {
    return {name, dtype, dims.size(), dims.data(), names.data()};
  }
};

TEST(SyntheticInputs, ShapesFromDimsGivenInputsAndDefaults) {
  Signature x{{-1, 3}, {"batch", nullptr}};
  Signature y{{-1, -1}, {"batch", "2*seq + 1"}};
  Signature z{{-1}, {"seq"}};
  std::vector<ModelInput> inputs(3);
  inputs[0].info = x.info("x", KILN_DTYPE_FLOAT32);
  inputs[1].info = y.info("y", KILN_DTYPE_INT64);
  inputs[2].info = z.info("z", KILN_DTYPE_BOOL);
  std::string error;

  // Defaults: every symbol 1.
  std::vector<ModelInput> made = inputs;
  ASSERT_TRUE(synthesizeMissingInputs(made, {}, error)) << error;
  EXPECT_EQ(made[0].tensor->dims, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(made[1].tensor->dims, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(made[2].tensor->dims, (std::vector<int64_t>{1}));
  EXPECT_EQ(made[0].tensor->data.size(), 12u);
  EXPECT_EQ(made[1].source, "made-up");

  // --dim values, and symbols bound by a given input.
  made = inputs;
  HostTensor given;
  given.dtype = KILN_DTYPE_BOOL;
  given.dims = {6};
  given.data.assign(6, 1);
  made[2].tensor = given;
  ASSERT_TRUE(synthesizeMissingInputs(made, {{"batch", 4}}, error)) << error;
  EXPECT_EQ(made[0].tensor->dims, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(made[1].tensor->dims, (std::vector<int64_t>{4, 13}));
  EXPECT_EQ(made[2].tensor->data, given.data); // Left alone.

  made = inputs;
  EXPECT_FALSE(synthesizeMissingInputs(made, {{"heads", 2}}, error));
  EXPECT_EQ(error, "the model has no symbolic dimension 'heads' (its symbolic "
                   "dimensions: batch, seq)");
  Signature fixed{{2}, {nullptr}};
  made = {inputs[0]};
  made[0].info = fixed.info("s", KILN_DTYPE_FLOAT32);
  EXPECT_FALSE(synthesizeMissingInputs(made, {{"batch", 2}}, error));
  EXPECT_EQ(error, "the model has no symbolic dimension 'batch' (it has none)");
}

TEST(SyntheticInputs, TooLargeShapesFail) {
  Signature x{{-1, -1, -1}, {"a", "a", "a"}};
  std::vector<ModelInput> inputs(1);
  inputs[0].info = x.info("x", KILN_DTYPE_FLOAT32);
  std::string error;
  EXPECT_FALSE(synthesizeMissingInputs(inputs, {{"a", 2000000000}}, error));
  EXPECT_EQ(error, "cannot make up input 'x': shape [2000000000, 2000000000, "
                   "2000000000] is too large");
}

TEST(SyntheticInputs, ValuesAreDeterministicAndInRange) {
  HostTensor a;
  a.dtype = KILN_DTYPE_FLOAT32;
  a.data.resize(4 * 1000);
  HostTensor b = a;
  fillPseudoRandom(a, 7);
  fillPseudoRandom(b, 7);
  EXPECT_EQ(a.data, b.data);
  double low = 1, high = -1;
  for (uint64_t i = 0; i < 1000; ++i) {
    double v = elementAsDouble(a.dtype, a.data.data(), i);
    low = std::min(low, v);
    high = std::max(high, v);
  }
  EXPECT_GE(low, -1.0);
  EXPECT_LT(low, -0.9);
  EXPECT_LT(high, 1.0);
  EXPECT_GT(high, 0.9);
  fillPseudoRandom(b, 8);
  EXPECT_NE(a.data, b.data);

  HostTensor ints;
  ints.dtype = KILN_DTYPE_INT64;
  ints.data.resize(8 * 200);
  fillPseudoRandom(ints, 1);
  for (uint64_t i = 0; i < 200; ++i) {
    double v = elementAsDouble(ints.dtype, ints.data.data(), i);
    EXPECT_GE(v, 0);
    EXPECT_LT(v, 16);
  }
}

} // namespace
