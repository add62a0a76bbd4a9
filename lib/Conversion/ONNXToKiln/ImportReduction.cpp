//===- ImportReduction.cpp - reductions, arg-reductions, scans, TopK ------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// ReduceX. The axes are an attribute up to `axesInputSince` and an input
/// from then on (with `noop_with_empty_axes`).
template <typename OpTy>
LogicalResult importReduce(NodeImporter &n, int64_t axesInputSince) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  BoolAttr keepdims = n.boolAttr(n.getInt("keepdims", 1) != 0);
  std::optional<SmallVector<int64_t>> axes;
  Value dynamicAxes;
  if (n.opset < axesInputSince) {
    axes = n.getInts("axes").value_or(SmallVector<int64_t>{});
  } else if (Value a = n.input(1)) {
    axes = n.constInts(a);
    if (!axes) {
      auto type = cast<RankedTensorType>(a.getType());
      if (type.getRank() == 1 && type.getDimSize(0) == 0)
        axes = SmallVector<int64_t>{};
      else if (n.getInt("noop_with_empty_axes", 0))
        return n.unsupported(
            "noop_with_empty_axes with axes computed at run time");
      else
        dynamicAxes = a;
    }
  } else {
    axes = SmallVector<int64_t>{};
  }
  if (axes && axes->empty() && n.opset >= axesInputSince &&
      n.getInt("noop_with_empty_axes", 0)) {
    n.setOutput(0, *x);
    return success();
  }
  DenseI64ArrayAttr axesAttr;
  if (axes) {
    FailureOr<SmallVector<int64_t>> normalized = n.normalizeAxes(*axes, rank);
    if (failed(normalized))
      return failure();
    axesAttr = n.i64ArrayAttr(*normalized);
  }
  FailureOr<Value> y = n.create1<OpTy>(*x, dynamicAxes, axesAttr, keepdims);
  return n.setResult(y);
}

template <typename OpTy>
void addReduce(OpRegistry &r, StringRef name, int64_t axesInputSince) {
  r.add(name, 1, [axesInputSince](NodeImporter &n) {
    return importReduce<OpTy>(n, axesInputSince);
  });
}

template <typename OpTy> LogicalResult importArgReduce(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(
      n.getInt("axis", 0), std::max<int64_t>(n.inputType(0).getRank(), 1));
  if (failed(axis))
    return failure();
  FailureOr<Value> y = n.create1<OpTy>(
      *x, n.i64Attr(*axis), n.boolAttr(n.getInt("keepdims", 1) != 0),
      n.boolAttr(n.getInt("select_last_index", 0) != 0));
  return n.setResult(y);
}

template <typename OpTy> LogicalResult importScan(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), axisInput = n.requiredInput(1);
  if (failed(x) || failed(axisInput))
    return failure();
  std::optional<SmallVector<int64_t>> axis = n.constInts(*axisInput);
  IntegerAttr axisAttr;
  Value dynamicAxis;
  if (axis && axis->size() == 1) {
    FailureOr<int64_t> normalized = n.normalizeAxis(
        (*axis)[0], std::max<int64_t>(n.inputType(0).getRank(), 1));
    if (failed(normalized))
      return failure();
    axisAttr = n.i64Attr(*normalized);
  } else {
    dynamicAxis = *axisInput;
  }
  FailureOr<Value> y = n.create1<OpTy>(
      *x, dynamicAxis, axisAttr, n.boolAttr(n.getInt("exclusive", 0) != 0),
      n.boolAttr(n.getInt("reverse", 0) != 0));
  return n.setResult(y);
}

LogicalResult importTopK(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Value k;
  if (n.opset < 10) {
    k = n.constI64({n.getInt("k", 0)});
  } else {
    FailureOr<Value> kInput = n.requiredInput(1);
    if (failed(kInput))
      return failure();
    k = *kInput;
  }
  FailureOr<int64_t> axis =
      n.normalizeAxis(n.getInt("axis", -1), n.inputType(0).getRank());
  if (failed(axis))
    return failure();
  FailureOr<SmallVector<Value>> y = n.create<TopKOp>(
      *x, k, n.i64Attr(*axis), n.boolAttr(n.getInt("largest", 1) != 0),
      n.boolAttr(n.getInt("sorted", 1) != 0));
  if (failed(y))
    return failure();
  return n.setOutputs(*y);
}

} // namespace

void registerReductionHandlers(OpRegistry &r) {
  addReduce<ReduceSumOp>(r, "ReduceSum", 13);
  addReduce<ReduceMeanOp>(r, "ReduceMean", 18);
  addReduce<ReduceMaxOp>(r, "ReduceMax", 18);
  addReduce<ReduceMinOp>(r, "ReduceMin", 18);
  addReduce<ReduceProdOp>(r, "ReduceProd", 18);
  addReduce<ReduceL1Op>(r, "ReduceL1", 18);
  addReduce<ReduceL2Op>(r, "ReduceL2", 18);
  addReduce<ReduceLogSumOp>(r, "ReduceLogSum", 18);
  addReduce<ReduceLogSumExpOp>(r, "ReduceLogSumExp", 18);
  addReduce<ReduceSumSquareOp>(r, "ReduceSumSquare", 18);
  r.add("ArgMax", 1, importArgReduce<ArgMaxOp>);
  r.add("ArgMin", 1, importArgReduce<ArgMinOp>);
  r.add("CumSum", 11, importScan<CumSumOp>);
  r.add("CumProd", 26, importScan<CumProdOp>);
  r.add("TopK", 1, importTopK);
}

} // namespace kiln::onnx_import
