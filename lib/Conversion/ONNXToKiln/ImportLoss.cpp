//===- ImportLoss.cpp - NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss ===//
//
// Losses appear in exported graphs that compute a training objective; kiln
// decomposes them into gathers, masks and reductions on the kiln dialect
// rather than giving them ops of their own.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// loss[n, d...] = -input[n, target[n, d...], d...] * weight[target], zero
/// where target == ignore_index, then reduced as `reduction` asks.
FailureOr<Value> buildNLLLoss(NodeImporter &n, Value input, Value target,
                              Value weight) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  Type element = inputType.getElementType();
  if (inputType.getRank() < 2 ||
      targetType.getRank() != inputType.getRank() - 1)
    return n.fail("input must be [N, C, d...] and target [N, d...]");
  std::string reduction = n.getString("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return n.fail("unknown reduction '" + reduction + "'");

  Value mask, safeTarget = target;
  // An ignore_index the target's type cannot hold matches no entry.
  int64_t ignoreIndex = n.getInt("ignore_index", 0);
  auto intType = dyn_cast<IntegerType>(targetType.getElementType());
  bool representable =
      !intType ||
      (intType.isUnsigned()
           ? ignoreIndex >= 0 && llvm::isUIntN(intType.getWidth(), ignoreIndex)
           : llvm::isIntN(intType.getWidth(), ignoreIndex));
  if (n.hasAttr("ignore_index") && representable) {
    Value ignore = n.scalar(targetType.getElementType(), ignoreIndex);
    KILN_TRY(isIgnored, n.create1<EqualOp>(target, ignore));
    mask = *isIgnored;
    // Ignored entries may hold an index outside [0, C); gather index 0 there.
    KILN_TRY(safe, n.create1<WhereOp>(
                       mask, n.scalar(targetType.getElementType(), 0), target));
    safeTarget = *safe;
  }
  KILN_TRY(index,
           n.create1<UnsqueezeOp>(safeTarget, Value(), n.i64ArrayAttr({1})));
  KILN_TRY(picked, n.create1<GatherElementsOp>(input, *index, n.i64Attr(1)));
  KILN_TRY(column, n.create1<SqueezeOp>(*picked, Value(), n.i64ArrayAttr({1})));
  KILN_TRY(loss, n.create1<NegOp>(*column));

  Value weights;
  if (weight) {
    KILN_TRY(w, n.create1<GatherOp>(weight, safeTarget, n.i64Attr(0)));
    weights = *w;
  } else if (mask || reduction == "mean") {
    KILN_TRY(shape, n.create1<ShapeOp>(target, n.i64Attr(0),
                                       n.i64Attr(targetType.getRank())));
    auto one =
        DenseElementsAttr::get(RankedTensorType::get({1}, element),
                               cast<TypedAttr>(n.b.getFloatAttr(element, 1.0)));
    KILN_TRY(ones,
             n.create1<ConstantOfShapeOp>(*shape, cast<ElementsAttr>(one)));
    weights = *ones;
  }
  if (weights && mask) {
    KILN_TRY(masked, n.create1<WhereOp>(mask, n.scalar(element, 0), weights));
    weights = *masked;
  }
  Value result = *loss;
  if (weights) {
    KILN_TRY(weighted, n.create1<MulOp>(result, weights));
    result = *weighted;
  }
  if (reduction == "none")
    return result;
  auto all = n.i64ArrayAttr({});
  KILN_TRY(sum,
           n.create1<ReduceSumOp>(result, Value(), all, n.boolAttr(false)));
  if (reduction == "sum")
    return *sum;
  KILN_TRY(total,
           n.create1<ReduceSumOp>(weights, Value(), all, n.boolAttr(false)));
  return n.create1<DivOp>(*sum, *total);
}

LogicalResult importNLLLoss(NodeImporter &n) {
  FailureOr<Value> input = n.requiredInput(0), target = n.requiredInput(1);
  if (failed(input) || failed(target))
    return failure();
  KILN_TRY(loss, buildNLLLoss(n, *input, *target, n.input(2)));
  n.setOutput(0, *loss);
  return success();
}

LogicalResult importSoftmaxCrossEntropyLoss(NodeImporter &n) {
  FailureOr<Value> scores = n.requiredInput(0), labels = n.requiredInput(1);
  if (failed(scores) || failed(labels))
    return failure();
  KILN_TRY(logProb, n.create1<LogSoftmaxOp>(*scores, n.i64Attr(1)));
  KILN_TRY(loss, buildNLLLoss(n, *logProb, *labels, n.input(2)));
  n.setOutput(0, *loss);
  n.setOutput(1, *logProb);
  return success();
}

} // namespace

void registerLossHandlers(OpRegistry &r) {
  r.add("NegativeLogLikelihoodLoss", 12, importNLLLoss);
  r.add("SoftmaxCrossEntropyLoss", 12, importSoftmaxCrossEntropyLoss);
}

} // namespace kiln::onnx_import
