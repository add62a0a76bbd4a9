//===- KilnElementwiseOps.cpp - elementwise kiln operations ---------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

namespace {
/// Broadcasts the operands' shapes; the element type is `elementType` or the
/// first operand's.
LogicalResult inferBroadcast(std::optional<Location> loc, ValueRange operands,
                             Type elementType,
                             SmallVectorImpl<Type> &inferredReturnTypes) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value operand : operands)
    shapes.push_back(tensorType(operand).getShape());
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(loc, shapes, shape)))
    return failure();
  if (!elementType)
    elementType = tensorType(operands.front()).getElementType();
  inferredReturnTypes.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

Type i1(MLIRContext *ctx) { return IntegerType::get(ctx, 1); }

/// Arithmetic binary ops require operands of one element type (ONNX's type
/// constraints make it so; Pow and BitShift are the exceptions below).
LogicalResult inferSameTypeBroadcast(std::optional<Location> loc,
                                     ValueRange operands, Type resultElement,
                                     SmallVectorImpl<Type> &inferred) {
  Type lhs = tensorType(operands[0]).getElementType();
  Type rhs = tensorType(operands[1]).getElementType();
  if (lhs != rhs)
    return inferenceError(loc, "operand element types differ: ", lhs, " and ",
                          rhs);
  return inferBroadcast(loc, operands, resultElement, inferred);
}
} // namespace

#define KILN_SAME_TYPE_BINARY(OP, RESULT_ELEMENT)                              \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,          \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferSameTypeBroadcast(loc, adaptor.getOperands(), RESULT_ELEMENT,  \
                                  inferred);                                   \
  }

KILN_SAME_TYPE_BINARY(AddOp, nullptr)
KILN_SAME_TYPE_BINARY(SubOp, nullptr)
KILN_SAME_TYPE_BINARY(MulOp, nullptr)
KILN_SAME_TYPE_BINARY(DivOp, nullptr)
KILN_SAME_TYPE_BINARY(MinOp, nullptr)
KILN_SAME_TYPE_BINARY(MaxOp, nullptr)
KILN_SAME_TYPE_BINARY(ModOp, nullptr)
KILN_SAME_TYPE_BINARY(PReluOp, nullptr)
KILN_SAME_TYPE_BINARY(AndOp, nullptr)
KILN_SAME_TYPE_BINARY(OrOp, nullptr)
KILN_SAME_TYPE_BINARY(XorOp, nullptr)
KILN_SAME_TYPE_BINARY(BitwiseAndOp, nullptr)
KILN_SAME_TYPE_BINARY(BitwiseOrOp, nullptr)
KILN_SAME_TYPE_BINARY(BitwiseXorOp, nullptr)
KILN_SAME_TYPE_BINARY(BitShiftOp, nullptr)
KILN_SAME_TYPE_BINARY(EqualOp, i1(ctx))
KILN_SAME_TYPE_BINARY(LessOp, i1(ctx))
KILN_SAME_TYPE_BINARY(LessEqualOp, i1(ctx))
KILN_SAME_TYPE_BINARY(GreaterOp, i1(ctx))
KILN_SAME_TYPE_BINARY(GreaterEqualOp, i1(ctx))
#undef KILN_SAME_TYPE_BINARY

/// The exponent of Pow may have another numeric type than the base.
LogicalResult PowOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferBroadcast(loc, adaptor.getOperands(), nullptr, inferred);
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  if (!tensorType(adaptor.getCondition()).getElementType().isInteger(1))
    return inferenceError(loc, "condition must be a tensor of i1");
  Type x = tensorType(adaptor.getX()).getElementType();
  Type y = tensorType(adaptor.getY()).getElementType();
  if (x != y)
    return inferenceError(loc, "x and y element types differ: ", x, " and ", y);
  return inferBroadcast(loc, adaptor.getOperands(), x, inferred);
}

LogicalResult ClipOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  for (Value bound : {adaptor.getMin(), adaptor.getMax()}) {
    RankedTensorType type = tensorType(bound);
    if (type.getRank() != 0 || type.getElementType() != input.getElementType())
      return inferenceError(loc, "min and max must be 0-d tensors of ",
                            input.getElementType());
  }
  inferred.push_back(input);
  return success();
}

static LogicalResult inferPredicate(MLIRContext *ctx,
                                    std::optional<Location> loc, Value input,
                                    SmallVectorImpl<Type> &inferred) {
  RankedTensorType type = tensorType(input);
  if (!isa<FloatType>(type.getElementType()))
    return inferenceError(loc,
                          "operand must have a floating-point element type");
  inferred.push_back(type.clone(IntegerType::get(ctx, 1)));
  return success();
}

LogicalResult IsNaNOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  return inferPredicate(ctx, loc, adaptor.getInput(), inferred);
}

LogicalResult IsInfOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  return inferPredicate(ctx, loc, adaptor.getInput(), inferred);
}

/// Checks that scale and zero point have one of the layouts quantization
/// allows, and returns the input's shape with `element`.
static LogicalResult inferQuantization(std::optional<Location> loc, Value input,
                                       Value scale, Value zeroPoint,
                                       int64_t axis, int64_t blockSize,
                                       Type element,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType in = tensorType(input), s = tensorType(scale);
  auto isSingle = [](RankedTensorType t) {
    return t.getRank() == 0 || (t.getRank() == 1 && t.getDimSize(0) == 1);
  };
  bool perTensor = isSingle(s);
  // A per-tensor scale may come as [] or [1], its zero point as the other.
  RankedTensorType z = tensorType(zeroPoint);
  if (z.getShape() != s.getShape() && !(perTensor && isSingle(z)))
    return inferenceError(loc, "scale and zero_point must have the same shape");
  if (!perTensor) {
    if (axis >= in.getRank())
      return inferenceError(loc, "axis ", axis, " is out of range for rank ",
                            in.getRank());
    bool perAxis = s.getRank() == 1 && blockSize == 0;
    bool blocked = s.getRank() == in.getRank() && blockSize > 0;
    if (!perAxis && !blocked)
      return inferenceError(loc, "scale must be 0-d, 1-D along the axis, or "
                                 "blocked with the input's rank");
    for (int64_t d = 0; d < s.getRank(); ++d) {
      int64_t inDim = in.getDimSize(perAxis ? axis : d), sDim = s.getDimSize(d);
      if (ShapedType::isDynamic(inDim) || ShapedType::isDynamic(sDim))
        continue;
      // ceil(inDim / blockSize), written so that it cannot overflow.
      int64_t expected = (perAxis || d != axis)
                             ? inDim
                             : inDim / blockSize + (inDim % blockSize != 0);
      if (sDim != expected)
        return inferenceError(loc, "scale dimension ", d, " is ", sDim,
                              ", expected ", expected);
    }
  }
  inferred.push_back(in.clone(element));
  return success();
}

LogicalResult
QuantizeLinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  return inferQuantization(
      loc, adaptor.getInput(), adaptor.getScale(), adaptor.getZeroPoint(),
      adaptor.getAxis(), adaptor.getBlockSize(),
      tensorType(adaptor.getZeroPoint()).getElementType(), inferred);
}

LogicalResult
DequantizeLinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  return inferQuantization(
      loc, adaptor.getInput(), adaptor.getScale(), adaptor.getZeroPoint(),
      adaptor.getAxis(), adaptor.getBlockSize(),
      tensorType(adaptor.getScale()).getElementType(), inferred);
}
