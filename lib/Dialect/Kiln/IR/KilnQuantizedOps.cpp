//===- KilnQuantizedOps.cpp - integer and quantized operations ------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

static bool staticMismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// Checks that the quantized operand `name` has an 8-bit element type
/// (integers only unless `allowFloat`, for the float8 formats).
static LogicalResult checkQuantizedType(std::optional<Location> loc,
                                        Value value, StringRef name,
                                        bool allowFloat) {
  Type element = tensorType(value).getElementType();
  bool ok =
      isa<IntegerType>(element) || (allowFloat && isa<FloatType>(element));
  if (!ok || element.getIntOrFloatBitWidth() != 8)
    return inferenceError(loc, "'", name, "' must have an 8-bit ",
                          allowFloat ? "" : "integer ", "element type, got ",
                          element);
  return success();
}

/// Checks that a zero point has the element type of the tensor it belongs
/// to.
static LogicalResult checkZeroPointType(std::optional<Location> loc,
                                        Value zeroPoint, Type element,
                                        StringRef name) {
  Type type = tensorType(zeroPoint).getElementType();
  if (type != element)
    return inferenceError(loc, "'", name, "' must have element type ", element,
                          ", got ", type);
  return success();
}

/// Checks that a zero point of a matrix product broadcasts to the shape of
/// `target` (its tensor) without changing it.
static LogicalResult checkBroadcastsTo(std::optional<Location> loc,
                                       Value zeroPoint, RankedTensorType target,
                                       StringRef name) {
  RankedTensorType type = tensorType(zeroPoint);
  SmallVector<int64_t> broadcast;
  if (type.getRank() > target.getRank() ||
      failed(broadcastShapes(std::nullopt, {target.getShape(), type.getShape()},
                             broadcast)) ||
      failed(verifyCompatibleShape(broadcast, target.getShape())))
    return inferenceError(loc, "'", name, "' of type ", type,
                          " does not broadcast to ", target);
  return success();
}

/// Both checks on the zero point of a matrix product operand.
static LogicalResult checkZeroPoint(std::optional<Location> loc,
                                    Value zeroPoint, RankedTensorType operand,
                                    StringRef name) {
  return failure(failed(checkZeroPointType(loc, zeroPoint,
                                           operand.getElementType(), name)) ||
                 failed(checkBroadcastsTo(loc, zeroPoint, operand, name)));
}

/// Checks that a scale is a float tensor shaped like its zero point, and of
/// the same type as the op's other scales (`scaleType`, set by the first).
static LogicalResult checkScale(std::optional<Location> loc, Value scale,
                                Value zeroPoint, Type &scaleType,
                                StringRef name) {
  RankedTensorType type = tensorType(scale);
  if (!isa<FloatType>(type.getElementType()) ||
      type.getShape() != tensorType(zeroPoint).getShape())
    return inferenceError(
        loc, "'", name,
        "' must be a float tensor shaped like its zero point, got ", type,
        " for ", tensorType(zeroPoint));
  if (scaleType && type.getElementType() != scaleType)
    return inferenceError(loc, "scales must have one element type, got ",
                          scaleType, " and ", type.getElementType());
  scaleType = type.getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// The result shape of `kiln.matmul` for operands of these types (whose
/// element types may differ here).
static LogicalResult inferMatMulShape(std::optional<Location> loc,
                                      RankedTensorType lhs,
                                      RankedTensorType rhs,
                                      SmallVectorImpl<int64_t> &shape) {
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return inferenceError(loc, "operands must have rank 2 or more, got ",
                          lhs.getRank(), " and ", rhs.getRank());
  ArrayRef<int64_t> l = lhs.getShape(), r = rhs.getShape();
  int64_t k1 = l.back(), k2 = r[r.size() - 2];
  if (staticMismatch(k1, k2))
    return inferenceError(loc, "contraction sizes differ: lhs has ", k1,
                          " columns, rhs has ", k2, " rows");
  if (failed(broadcastShapes(loc, {l.drop_back(2), r.drop_back(2)}, shape)))
    return failure();
  shape.push_back(l[l.size() - 2]);
  shape.push_back(r.back());
  return success();
}

LogicalResult
MatMulIntegerOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  RankedTensorType lhs = tensorType(adaptor.getLhs());
  RankedTensorType rhs = tensorType(adaptor.getRhs());
  SmallVector<int64_t> shape;
  if (failed(checkQuantizedType(loc, adaptor.getLhs(), "lhs",
                                /*allowFloat=*/false)) ||
      failed(checkQuantizedType(loc, adaptor.getRhs(), "rhs",
                                /*allowFloat=*/false)) ||
      failed(inferMatMulShape(loc, lhs, rhs, shape)) ||
      failed(checkZeroPoint(loc, adaptor.getLhsZeroPoint(), lhs,
                            "lhs_zero_point")) ||
      failed(checkZeroPoint(loc, adaptor.getRhsZeroPoint(), rhs,
                            "rhs_zero_point")))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 32)));
  return success();
}

LogicalResult
QLinearMatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  RankedTensorType lhs = tensorType(adaptor.getLhs());
  RankedTensorType rhs = tensorType(adaptor.getRhs());
  Type output = tensorType(adaptor.getOutputZeroPoint()).getElementType();
  SmallVector<int64_t> shape;
  Type scaleType;
  if (failed(checkQuantizedType(loc, adaptor.getLhs(), "lhs",
                                /*allowFloat=*/true)) ||
      failed(checkQuantizedType(loc, adaptor.getRhs(), "rhs",
                                /*allowFloat=*/true)) ||
      failed(checkQuantizedType(loc, adaptor.getOutputZeroPoint(),
                                "output_zero_point", /*allowFloat=*/true)) ||
      failed(inferMatMulShape(loc, lhs, rhs, shape)) ||
      failed(checkZeroPoint(loc, adaptor.getLhsZeroPoint(), lhs,
                            "lhs_zero_point")) ||
      failed(checkZeroPoint(loc, adaptor.getRhsZeroPoint(), rhs,
                            "rhs_zero_point")) ||
      failed(checkBroadcastsTo(loc, adaptor.getOutputZeroPoint(),
                               RankedTensorType::get(shape, output),
                               "output_zero_point")) ||
      failed(checkScale(loc, adaptor.getLhsScale(), adaptor.getLhsZeroPoint(),
                        scaleType, "lhs_scale")) ||
      failed(checkScale(loc, adaptor.getRhsScale(), adaptor.getRhsZeroPoint(),
                        scaleType, "rhs_scale")) ||
      failed(checkScale(loc, adaptor.getOutputScale(),
                        adaptor.getOutputZeroPoint(), scaleType,
                        "output_scale")))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, output));
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// The result type of `kiln.conv` with these operands and attributes (the
/// quantized convolutions carry exactly kiln.conv's attributes): the rules,
/// and their messages, are ConvOp's own.
template <typename Adaptor>
static FailureOr<RankedTensorType> inferConvShape(std::optional<Location> loc,
                                                  Adaptor adaptor, Value bias) {
  ConvOp::Properties properties;
  properties.strides = adaptor.getStridesAttr();
  properties.dilations = adaptor.getDilationsAttr();
  properties.pads = adaptor.getPadsAttr();
  properties.group = adaptor.getGroupAttr();
  SmallVector<Value, 3> operands = {adaptor.getInput(), adaptor.getWeight()};
  if (bias)
    operands.push_back(bias);
  SmallVector<Type, 1> inferred;
  if (failed(ConvOp::inferReturnTypes(
          tensorType(adaptor.getInput()).getContext(), loc,
          ConvOp::Adaptor(operands, /*attrs=*/nullptr, properties), inferred)))
    return failure();
  return cast<RankedTensorType>(inferred.front());
}

/// A zero point (and the scale beside it, if any) of the weight: 0-d, or
/// 1-D with one entry per output channel.
static LogicalResult checkWeightParam(std::optional<Location> loc, Value param,
                                      int64_t outChannels, StringRef name) {
  RankedTensorType type = tensorType(param);
  if (type.getRank() > 1 ||
      (type.getRank() == 1 && staticMismatch(type.getDimSize(0), outChannels)))
    return inferenceError(loc, "'", name, "' must be 0-d or 1-D with ",
                          outChannels, " entries, got ", type);
  return success();
}

/// A per-tensor zero point or scale: 0-d.
static LogicalResult checkTensorParam(std::optional<Location> loc, Value param,
                                      StringRef name) {
  if (tensorType(param).getRank() != 0)
    return inferenceError(loc, "'", name, "' must be 0-d, got ",
                          tensorType(param));
  return success();
}

LogicalResult ConvIntegerOp::inferReturnTypes(MLIRContext *ctx,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  RankedTensorType weight = tensorType(adaptor.getWeight());
  if (failed(checkQuantizedType(loc, adaptor.getInput(), "input",
                                /*allowFloat=*/false)) ||
      failed(checkQuantizedType(loc, adaptor.getWeight(), "weight",
                                /*allowFloat=*/false)))
    return failure();
  FailureOr<RankedTensorType> result = inferConvShape(loc, adaptor, Value());
  if (failed(result) ||
      failed(checkTensorParam(loc, adaptor.getInputZeroPoint(),
                              "input_zero_point")) ||
      failed(checkZeroPointType(loc, adaptor.getInputZeroPoint(),
                                input.getElementType(), "input_zero_point")) ||
      failed(checkWeightParam(loc, adaptor.getWeightZeroPoint(),
                              weight.getDimSize(0), "weight_zero_point")) ||
      failed(checkZeroPointType(loc, adaptor.getWeightZeroPoint(),
                                weight.getElementType(), "weight_zero_point")))
    return failure();
  inferred.push_back(result->clone(IntegerType::get(ctx, 32)));
  return success();
}

LogicalResult QLinearConvOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorType(adaptor.getInput());
  RankedTensorType weight = tensorType(adaptor.getWeight());
  Value outputZeroPoint = adaptor.getOutputZeroPoint();
  Type output = tensorType(outputZeroPoint).getElementType();
  if (failed(checkQuantizedType(loc, adaptor.getInput(), "input",
                                /*allowFloat=*/false)) ||
      failed(checkQuantizedType(loc, adaptor.getWeight(), "weight",
                                /*allowFloat=*/false)) ||
      failed(checkQuantizedType(loc, outputZeroPoint, "output_zero_point",
                                /*allowFloat=*/false)))
    return failure();
  Value bias = adaptor.getBias();
  if (bias && !tensorType(bias).getElementType().isSignlessInteger(32))
    return inferenceError(loc, "bias must have element type i32, got ",
                          tensorType(bias).getElementType());
  FailureOr<RankedTensorType> result = inferConvShape(loc, adaptor, bias);
  if (failed(result))
    return failure();
  int64_t outChannels = weight.getDimSize(0);
  Type scaleType;
  if (failed(checkTensorParam(loc, adaptor.getInputZeroPoint(),
                              "input_zero_point")) ||
      failed(checkZeroPointType(loc, adaptor.getInputZeroPoint(),
                                input.getElementType(), "input_zero_point")) ||
      failed(checkScale(loc, adaptor.getInputScale(),
                        adaptor.getInputZeroPoint(), scaleType,
                        "input_scale")) ||
      failed(checkWeightParam(loc, adaptor.getWeightZeroPoint(), outChannels,
                              "weight_zero_point")) ||
      failed(checkZeroPointType(loc, adaptor.getWeightZeroPoint(),
                                weight.getElementType(),
                                "weight_zero_point")) ||
      failed(checkScale(loc, adaptor.getWeightScale(),
                        adaptor.getWeightZeroPoint(), scaleType,
                        "weight_scale")) ||
      failed(checkTensorParam(loc, outputZeroPoint, "output_zero_point")) ||
      failed(checkScale(loc, adaptor.getOutputScale(), outputZeroPoint,
                        scaleType, "output_scale")))
    return failure();
  inferred.push_back(result->clone(output));
  return success();
}
