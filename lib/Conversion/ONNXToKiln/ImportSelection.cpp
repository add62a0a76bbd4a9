//===- ImportSelection.cpp - data-dependent selection and counting --------===//
//
// Ops whose result sizes depend on the data: Unique, Compress and the n-gram
// counting of TfIdfVectorizer.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// The normalized `axis` attribute when present.
FailureOr<IntegerAttr> optionalAxis(NodeImporter &n, int64_t rank) {
  if (!n.hasAttr("axis"))
    return IntegerAttr();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  return n.i64Attr(*axis);
}

LogicalResult importUnique(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<IntegerAttr> axis = optionalAxis(n, n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  FailureOr<SmallVector<Value>> results =
      n.create<UniqueOp>(*x, *axis, n.boolAttr(n.getInt("sorted", 1) != 0));
  if (failed(results))
    return failure();
  return n.setOutputs(*results);
}

LogicalResult importCompress(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), condition = n.requiredInput(1);
  if (failed(x) || failed(condition))
    return failure();
  FailureOr<IntegerAttr> axis = optionalAxis(n, n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> y = n.create1<CompressOp>(*x, *condition, *axis);
  return n.setResult(y);
}

LogicalResult importTfIdfVectorizer(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  if (n.hasAttr("pool_strings"))
    return n.unsupported("a string pool");
  auto ints = [&](StringRef name) {
    return n.i64ArrayAttr(n.getInts(name).value_or(SmallVector<int64_t>{}));
  };
  DenseF32ArrayAttr weights;
  if (auto w = n.getFloats("weights"))
    weights = n.b.getDenseF32ArrayAttr(*w);
  FailureOr<Value> y = n.create1<TfIdfVectorizerOp>(
      *x, n.strAttr(n.getString("mode", "")),
      n.i64Attr(n.getInt("min_gram_length", 0)),
      n.i64Attr(n.getInt("max_gram_length", 0)),
      n.i64Attr(n.getInt("max_skip_count", 0)), ints("ngram_counts"),
      ints("ngram_indexes"), ints("pool_int64s"), weights);
  return n.setResult(y);
}

} // namespace

void registerSelectionHandlers(OpRegistry &r) {
  r.add("Unique", 11, importUnique);
  r.add("Compress", 9, importCompress);
  r.add("TfIdfVectorizer", 9, importTfIdfVectorizer);
}

} // namespace kiln::onnx_import
