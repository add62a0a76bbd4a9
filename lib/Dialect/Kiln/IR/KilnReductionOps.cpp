//===- KilnReductionOps.cpp - reductions ----------------------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

/// Result shape of a reduction over known `axes` (empty: every dimension).
static SmallVector<int64_t>
reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes, bool keepdims) {
  SmallVector<int64_t> result;
  for (auto [i, dim] : llvm::enumerate(shape)) {
    bool reduced = axes.empty() || llvm::is_contained(axes, (int64_t)i);
    if (!reduced)
      result.push_back(dim);
    else if (keepdims)
      result.push_back(1);
  }
  return result;
}

/// Verifies an axes attribute: sorted, unique and in range.
static LogicalResult checkAxes(std::optional<Location> loc,
                               ArrayRef<int64_t> axes, int64_t rank) {
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank)
      return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                            rank);
    if (i > 0 && axes[i - 1] >= axis)
      return inferenceError(loc, "axes must be sorted and unique");
  }
  return success();
}

template <typename Adaptor>
static LogicalResult inferReduce(std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  bool keepdims = adaptor.getKeepdims();
  if (std::optional<ArrayRef<int64_t>> axes = adaptor.getAxes()) {
    if (failed(checkAxes(loc, *axes, input.getRank())))
      return failure();
    inferred.push_back(
        input.clone(reducedShape(input.getShape(), *axes, keepdims)));
    return success();
  }
  if (!adaptor.getDynamicAxes())
    return inferenceError(
        loc, "needs either an 'axes' attribute or an axes operand");
  // Axes known only at run time: the rank is known, the extents are not.
  int64_t rank = input.getRank();
  if (!keepdims) {
    std::optional<int64_t> count = getStaticLength(adaptor.getDynamicAxes());
    if (!count)
      return inferenceError(loc, "the number of run-time axes must be static "
                                 "when keepdims is false");
    rank = *count == 0 ? 0 : rank - *count;
  }
  inferred.push_back(input.clone(
      SmallVector<int64_t>(std::max<int64_t>(rank, 0), ShapedType::kDynamic)));
  return success();
}

namespace {
/// Turns constant run-time axes into the normalized attribute form.
template <typename ReduceOp>
struct FoldConstantReduceAxes : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getDynamicAxes())
      return rewriter.notifyMatchFailure(op, "axes are already an attribute");
    std::optional<SmallVector<int64_t>> axes =
        getConstantInts(op.getDynamicAxes());
    if (!axes)
      return rewriter.notifyMatchFailure(op, "axes are not constant");
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<int64_t> normalized;
    for (int64_t axis : *axes) {
      std::optional<int64_t> n = normalizeAxis(axis, rank);
      if (!n)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      normalized.push_back(*n);
    }
    llvm::sort(normalized);
    if (llvm::adjacent_find(normalized) != normalized.end())
      return rewriter.notifyMatchFailure(op, "axes repeat a dimension");
    auto newOp = ReduceOp::create(
        rewriter, op.getLoc(), op.getType(), op.getInput(), Value(),
        rewriter.getDenseI64ArrayAttr(normalized), op.getKeepdimsAttr());
    rewriter.replaceOp(op, newOp.getResult());
    return success();
  }
};
} // namespace

#define KILN_REDUCE_OP(OP)                                                     \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferReduce(loc, adaptor, inferred);                                \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    if (getAxes().has_value() == static_cast<bool>(getDynamicAxes()))          \
      return emitOpError("needs exactly one of an 'axes' attribute and an "    \
                         "axes operand");                                      \
    return success();                                                          \
  }                                                                            \
  void OP::getCanonicalizationPatterns(RewritePatternSet &patterns,            \
                                       MLIRContext *context) {                 \
    patterns.add<FoldConstantReduceAxes<OP>>(context);                         \
  }

KILN_REDUCE_OP(ReduceSumOp)
KILN_REDUCE_OP(ReduceMeanOp)
KILN_REDUCE_OP(ReduceMaxOp)
KILN_REDUCE_OP(ReduceMinOp)
KILN_REDUCE_OP(ReduceProdOp)
KILN_REDUCE_OP(ReduceL1Op)
KILN_REDUCE_OP(ReduceL2Op)
KILN_REDUCE_OP(ReduceLogSumOp)
KILN_REDUCE_OP(ReduceLogSumExpOp)
KILN_REDUCE_OP(ReduceSumSquareOp)
#undef KILN_REDUCE_OP

template <typename Adaptor>
static LogicalResult
inferArgReduce(MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
               SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis >= input.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          input.getRank());
  inferred.push_back(i64Tensor(
      ctx, reducedShape(input.getShape(), {axis}, adaptor.getKeepdims())));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferArgReduce(ctx, loc, adaptor, inferred);
}
LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferArgReduce(ctx, loc, adaptor, inferred);
}

template <typename Adaptor>
static LogicalResult inferScan(std::optional<Location> loc, Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  std::optional<uint64_t> axis = adaptor.getAxis();
  if (axis && (int64_t)*axis >= std::max<int64_t>(input.getRank(), 1))
    return inferenceError(loc, "axis ", *axis, " is out of range for rank ",
                          input.getRank());
  if (Value dynamic = adaptor.getDynamicAxis())
    if (getStaticLength(dynamic) != std::optional<int64_t>(1))
      return inferenceError(loc, "the axis operand must hold one value");
  inferred.push_back(input);
  return success();
}

template <typename Op> static LogicalResult verifyScan(Op op) {
  if (op.getAxis().has_value() == static_cast<bool>(op.getDynamicAxis()))
    return op.emitOpError(
        "needs exactly one of an 'axis' attribute and an axis operand");
  return success();
}

LogicalResult CumSumOp::verify() { return verifyScan(*this); }
LogicalResult CumProdOp::verify() { return verifyScan(*this); }

LogicalResult CumSumOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferScan(loc, adaptor, inferred);
}
LogicalResult CumProdOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferScan(loc, adaptor, inferred);
}

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis >= input.getRank())
    return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                          input.getRank());
  if (getStaticLength(adaptor.getK()) != std::optional<int64_t>(1))
    return inferenceError(loc, "k must hold exactly one value");
  SmallVector<int64_t> shape(input.getShape());
  std::optional<SmallVector<int64_t>> k = getConstantInts(adaptor.getK());
  if (k && !k->empty()) {
    if ((*k)[0] < 0 || (!input.isDynamicDim(axis) && (*k)[0] > shape[axis]))
      return inferenceError(loc, "k (", (*k)[0],
                            ") is out of range for a dimension of ",
                            shape[axis]);
    shape[axis] = (*k)[0];
  } else {
    shape[axis] = ShapedType::kDynamic;
  }
  inferred.push_back(input.clone(shape));
  inferred.push_back(i64Tensor(ctx, shape));
  return success();
}
