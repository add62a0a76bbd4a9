//===- Quantized.cpp - linear quantization and integer contractions -------===//
//
// kiln.quantize_linear and kiln.dequantize_linear become one linalg.generic
// each, their scale and zero point read through indexing maps (per tensor: a
// constant index, per axis: the axis' loop) or, when blocked, first
// replicated to the input's shape with named ops (linalg.broadcast of each
// block, then a collapse). The integer contractions shift their operands by
// the zero points into i32 tensors, which then go through a plain i32
// kiln.matmul (lowered by Contraction.cpp) or a named linalg convolution;
// the qlinear ops requantize the i32 accumulator in one epilogue generic.
//
// Requantization follows the ONNX reference: the multiplier is computed in
// the scale's type, the accumulator times it in f64 (numpy promotes i32 times
// a float array to f64), then the zero point is added, the value rounded half
// to even and saturated to the output's integer type.
//
// arith computes on signless integers only: ui8/si8 elements are
// reinterpreted as i8 inside the generic bodies (LoweringUtils.h) and
// their signedness decides how they are widened and saturated.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "MiniFloat.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include <cmath>

using namespace mlir;
using namespace kiln;

namespace {

/// The body of a generic built by `buildMapped`: one result element from
/// the inputs' elements, all signless.
using SignlessBody =
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

Type elementOf(Value tensor) { return getElementTypeOrSelf(tensor.getType()); }

/// An integer element type that quantized values may have (not boolean).
bool isQuantizedInt(Type type) {
  auto intType = dyn_cast<IntegerType>(type);
  return intType && intType.getWidth() > 1 && intType.getWidth() <= 32;
}

/// Converts the signless integer `x`, read as unsigned when `isUnsigned`,
/// to the float type `to`.
Value intToFloat(OpBuilder &b, Location loc, Value x, bool isUnsigned,
                 Type to) {
  if (isUnsigned)
    return arith::UIToFPOp::create(b, loc, to, x);
  return arith::SIToFPOp::create(b, loc, to, x);
}

/// Widens (or narrows) the float `x` to `to`.
Value convertFloat(OpBuilder &b, Location loc, Value x, Type to) {
  unsigned from = x.getType().getIntOrFloatBitWidth(),
           width = to.getIntOrFloatBitWidth();
  if (x.getType() == to)
    return x;
  if (from == width) // f16 <-> bf16: through f32.
    return arith::TruncFOp::create(
        b, loc, to, arith::ExtFOp::create(b, loc, b.getF32Type(), x));
  if (from < width)
    return arith::ExtFOp::create(b, loc, to, x);
  return arith::TruncFOp::create(b, loc, to, x);
}

/// Extends the signless integer `x` (unsigned when `isUnsigned`) to i32.
Value extendToI32(OpBuilder &b, Location loc, Value x, bool isUnsigned) {
  Type i32 = b.getI32Type();
  if (x.getType() == i32)
    return x;
  if (isUnsigned)
    return arith::ExtUIOp::create(b, loc, i32, x);
  return arith::ExtSIOp::create(b, loc, i32, x);
}

/// Saturates the integral float `x` to the integer type `to` (signless,
/// read as unsigned when `isUnsigned`) and converts it. A NaN saturates to
/// the lowest value (maxnumf picks the bound).
Value saturateToInt(OpBuilder &b, Location loc, Value x, IntegerType to,
                    bool isUnsigned) {
  unsigned width = to.getWidth();
  double loValue = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hiValue =
      isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  Value clamped = arith::MinNumFOp::create(
      b, loc,
      arith::MaxNumFOp::create(b, loc, x,
                               createScalar(b, loc, x.getType(), loValue)),
      createScalar(b, loc, x.getType(), hiValue));
  if (isUnsigned)
    return arith::FPToUIOp::create(b, loc, to, clamped);
  return arith::FPToSIOp::create(b, loc, to, clamped);
}

/// Why a requantizing op (qlinear matmul or conv) cannot be lowered: its
/// `scales` must be floats of one type and its output an 8- or 16-bit
/// integer; null when they are.
const char *checkRequantizedTypes(ArrayRef<Value> scales, Type outElem) {
  Type scaleElem = elementOf(scales.front());
  if (!isa<FloatType>(scaleElem) ||
      llvm::any_of(scales, [&](Value v) { return elementOf(v) != scaleElem; }))
    return "scales must be floats of one type";
  if (!isQuantizedInt(outElem) || outElem.getIntOrFloatBitWidth() > 16)
    return "only 8- and 16-bit integer outputs";
  return nullptr;
}

/// `acc * multiplier + zeroPoint` rounded half to even and saturated to the
/// zero point's type: the requantization of an i32 accumulator, in f64.
Value requantize(OpBuilder &b, Location loc, Value acc, Value multiplier,
                 Value zeroPoint, bool isUnsigned) {
  Type f64 = b.getF64Type();
  Value scaled =
      arith::MulFOp::create(b, loc, arith::SIToFPOp::create(b, loc, f64, acc),
                            convertFloat(b, loc, multiplier, f64));
  Value shifted = arith::AddFOp::create(
      b, loc, scaled, intToFloat(b, loc, zeroPoint, isUnsigned, f64));
  return saturateToInt(b, loc, math::RoundEvenOp::create(b, loc, shifted),
                       cast<IntegerType>(zeroPoint.getType()), isUnsigned);
}

/// One linalg.generic producing `resultType` from `inputs` read through
/// `maps` (the output's map is the identity). `body` sees the elements as
/// signless values and returns a signless one, which is given the result's
/// element type back.
Value buildMapped(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange dynamicSizes, ValueRange inputs,
                  ArrayRef<AffineMap> maps, SignlessBody body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(rank));
  Type resultElement = resultType.getElementType();
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs,
             ValueRange{createEmpty(b, loc, resultType, dynamicSizes)}, allMaps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               SmallVector<Value> signless;
               for (Value arg : args.drop_back())
                 signless.push_back(
                     reinterpret(nb, nl, arg, toSignless(arg.getType())));
               Value result = body(nb, nl, signless);
               linalg::YieldOp::create(
                   nb, nl, reinterpret(nb, nl, result, resultElement));
             })
      .getResult(0);
}

/// The dynamic sizes of `value`'s type, read from `value`.
SmallVector<Value> dynamicSizesOf(OpBuilder &b, Location loc, Value value) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, value, d));
  return sizes;
}

/// The indexing map, over a loop nest of rank `rank`, of a parameter of
/// `type` that is either one value (0-d or [1]: a constant index) or a
/// vector along loop `dim`.
AffineMap parameterMap(OpBuilder &b, RankedTensorType type, int64_t rank,
                       int64_t dim) {
  MLIRContext *ctx = b.getContext();
  if (type.getRank() == 0)
    return AffineMap::get(rank, 0, {}, ctx);
  if (type.getDimSize(0) == 1)
    return AffineMap::get(rank, 0, {getAffineConstantExpr(0, ctx)}, ctx);
  return AffineMap::get(rank, 0, {getAffineDimExpr(dim, ctx)}, ctx);
}

/// Whether a quantization parameter of `type` holds a single value.
bool isSingle(RankedTensorType type) {
  return type.getRank() == 0 ||
         (type.getRank() == 1 && type.getDimSize(0) == 1);
}

/// Replicates a blocked parameter (the input's rank, ceil(size / block)
/// along `axis`) to `shape`: each value broadcast over its block, the
/// blocks merged into the axis and the last one cropped.
FailureOr<Value> expandBlocks(OpBuilder &b, Location loc, Value param,
                              ArrayRef<int64_t> shape, int64_t axis,
                              int64_t blockSize) {
  auto type = cast<RankedTensorType>(param.getType());
  if (!type.hasStaticShape() || type.getRank() != (int64_t)shape.size() ||
      ShapedType::isDynamicShape(shape))
    return failure();
  Type element = type.getElementType();
  SmallVector<int64_t> spread(type.getShape());
  spread.insert(spread.begin() + axis + 1, blockSize);
  Value broadcast =
      linalg::BroadcastOp::create(
          b, loc, param,
          createEmpty(b, loc, RankedTensorType::get(spread, element)),
          ArrayRef<int64_t>{axis + 1})
          ->getResult(0);
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0, r = 0; d < type.getRank(); ++d) {
    if (d == axis) {
      groups.push_back({r, r + 1});
      r += 2;
    } else {
      groups.push_back({r++});
    }
  }
  SmallVector<int64_t> merged(type.getShape());
  merged[axis] *= blockSize;
  Value value = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(merged, element), broadcast, groups);
  if (merged[axis] == shape[axis])
    return value;
  int64_t rank = shape.size();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      strides(rank, b.getIndexAttr(1)), sizes;
  for (int64_t size : shape)
    sizes.push_back(b.getIndexAttr(size));
  return tensor::ExtractSliceOp::create(b, loc,
                                        RankedTensorType::get(shape, element),
                                        value, offsets, sizes, strides)
      .getResult();
}

/// The scale and zero point of a (de)quantization made readable element by
/// element over the input's loops: the tensors to pass to the generic and
/// their indexing maps.
template <typename OpTy>
FailureOr<std::pair<SmallVector<Value, 2>, SmallVector<AffineMap, 2>>>
quantizationParameters(OpBuilder &b, OpTy op, Value input, Value scale,
                       Value zeroPoint) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto scaleType = cast<RankedTensorType>(scale.getType());
  int64_t rank = inputType.getRank(), axis = op.getAxis();
  SmallVector<Value, 2> params = {scale, zeroPoint};
  SmallVector<AffineMap, 2> maps;
  if (isSingle(scaleType) || op.getBlockSize() == 0) {
    for (Value param : params)
      maps.push_back(
          parameterMap(b, cast<RankedTensorType>(param.getType()), rank, axis));
    return std::make_pair(params, maps);
  }
  for (Value &param : params) {
    FailureOr<Value> expanded = expandBlocks(
        b, op.getLoc(), param, inputType.getShape(), axis, op.getBlockSize());
    if (failed(expanded))
      return failure();
    param = *expanded;
    maps.push_back(b.getMultiDimIdentityMap(rank));
  }
  return std::make_pair(params, maps);
}

/// saturate(round(x / scale) + zero_point): the quotient and its rounding
/// in the input's float type (as numpy computes them), the rest in f32 (or
/// f64 for f64 inputs), which holds every 16-bit integer exactly.
struct QuantizeLinearLowering : OpConversionPattern<QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type inElem = elementOf(input), scaleElem = elementOf(adaptor.getScale()),
         outElem = resultType.getElementType();
    if (!isa<FloatType>(inElem) || !isa<FloatType>(scaleElem))
      return rewriter.notifyMatchFailure(op, "input and scale must be floats");
    bool toMiniFloat = isMiniFloat(outElem);
    if (!toMiniFloat &&
        (!isQuantizedInt(outElem) || outElem.getIntOrFloatBitWidth() > 16))
      return rewriter.notifyMatchFailure(
          op, "only 2- to 16-bit integer and 8- and 4-bit float outputs");
    auto params = quantizationParameters(
        rewriter, op, input, adaptor.getScale(), adaptor.getZeroPoint());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "dynamic blocked quantization");
    bool isUnsigned = outElem.isUnsignedInteger();
    bool saturate = op.getSaturate();
    Type divType = inElem == scaleElem ? inElem : rewriter.getF32Type();
    Type wideType = inElem.isF64() ? inElem : rewriter.getF32Type();

    SmallVector<Value> inputs = {input};
    llvm::append_range(inputs, params->first);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(resultType.getRank())};
    llvm::append_range(maps, params->second);
    Value result = buildMapped(
        rewriter, loc, resultType, dynamicSizesOf(rewriter, loc, input), inputs,
        maps, [&](OpBuilder &b, Location l, ValueRange a) {
          Value quotient =
              arith::DivFOp::create(b, l, convertFloat(b, l, a[0], divType),
                                    convertFloat(b, l, a[1], divType));
          if (toMiniFloat) // x / scale + zero_point, rounded by the format.
            return truncateToMiniFloat(
                b, l,
                arith::AddFOp::create(
                    b, l, convertFloat(b, l, quotient, b.getF32Type()),
                    extendMiniFloat(b, l, a[2])),
                cast<FloatType>(outElem), saturate);
          Value rounded = convertFloat(
              b, l, math::RoundEvenOp::create(b, l, quotient), wideType);
          Value shifted = arith::AddFOp::create(
              b, l, rounded, intToFloat(b, l, a[2], isUnsigned, wideType));
          return saturateToInt(b, l, shifted,
                               cast<IntegerType>(toSignless(outElem)),
                               isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// (x - zero_point) * scale: the difference in f32 (as the ONNX reference
/// computes it), the product in f32 or the scale's wider type, then
/// rounded to the scale's type.
struct DequantizeLinearLowering : OpConversionPattern<DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type inElem = elementOf(input),
         zeroElem = elementOf(adaptor.getZeroPoint()),
         outElem = resultType.getElementType();
    bool fromMiniFloat = isMiniFloat(inElem);
    if ((!fromMiniFloat && !isQuantizedInt(inElem)) || inElem != zeroElem)
      return rewriter.notifyMatchFailure(
          op, "input and zero point must be integers or 8- or 4-bit floats "
              "of one type");
    if (!isa<FloatType>(outElem))
      return rewriter.notifyMatchFailure(op, "scale must be a float");
    auto params = quantizationParameters(
        rewriter, op, input, adaptor.getScale(), adaptor.getZeroPoint());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "dynamic blocked quantization");
    bool isUnsigned = inElem.isUnsignedInteger();
    Type wideType = outElem.isF64() ? outElem : rewriter.getF32Type();

    SmallVector<Value> inputs = {input};
    llvm::append_range(inputs, params->first);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(resultType.getRank())};
    llvm::append_range(maps, params->second);
    Value result = buildMapped(
        rewriter, loc, resultType, dynamicSizesOf(rewriter, loc, input), inputs,
        maps, [&](OpBuilder &b, Location l, ValueRange a) {
          auto widen = [&](Value v) {
            return fromMiniFloat
                       ? convertFloat(b, l, extendMiniFloat(b, l, v), wideType)
                       : intToFloat(b, l, v, isUnsigned, wideType);
          };
          Value difference =
              arith::SubFOp::create(b, l, widen(a[0]), widen(a[2]));
          Value product = arith::MulFOp::create(
              b, l, difference, convertFloat(b, l, a[1], wideType));
          return convertFloat(b, l, product, outElem);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Whether `shiftToI32` handles `value` and `zeroPoint`: integers of one
/// type, the zero point of no higher rank.
bool canShift(Value value, Value zeroPoint) {
  Type element = elementOf(value);
  return isQuantizedInt(element) && elementOf(zeroPoint) == element &&
         cast<RankedTensorType>(zeroPoint.getType()).getRank() <=
             cast<RankedTensorType>(value.getType()).getRank();
}

/// `value - zeroPoint` widened to i32, the zero point broadcast by the
/// numpy rules, or along dimension `dim` when given and a vector. The
/// caller checks `canShift` first.
FailureOr<Value> shiftToI32(ConversionPatternRewriter &rewriter, Operation *op,
                            Value value, Value zeroPoint,
                            std::optional<int64_t> dim = std::nullopt) {
  Location loc = op->getLoc();
  Type element = elementOf(value);
  bool isUnsigned = element.isUnsignedInteger();
  auto type = cast<RankedTensorType>(value.getType());
  auto resultType = type.clone(rewriter.getI32Type());
  auto body = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::SubIOp::create(b, l, extendToI32(b, l, a[0], isUnsigned),
                                 extendToI32(b, l, a[1], isUnsigned));
  };
  if (dim) {
    AffineMap maps[] = {
        rewriter.getMultiDimIdentityMap(type.getRank()),
        parameterMap(rewriter, cast<RankedTensorType>(zeroPoint.getType()),
                     type.getRank(), *dim)};
    return buildMapped(rewriter, loc, resultType,
                       dynamicSizesOf(rewriter, loc, value),
                       ValueRange{value, zeroPoint}, maps, body);
  }
  return buildBroadcastingGeneric(
      rewriter, op, ValueRange{value, zeroPoint}, resultType,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        SmallVector<Value> signless;
        for (Value v : a)
          signless.push_back(reinterpret(b, l, v, toSignless(v.getType())));
        return body(b, l, signless);
      });
}

/// The i32 product of the zero-point-shifted operands, as a kiln.matmul
/// that Contraction.cpp lowers (plain, batched or broadcast).
template <typename OpTy>
FailureOr<Value> shiftedMatMul(ConversionPatternRewriter &rewriter, OpTy op,
                               Value lhs, Value lhsZero, Value rhs,
                               Value rhsZero) {
  auto resultType = cast<RankedTensorType>(op.getType());
  if (!canShift(lhs, lhsZero) || !canShift(rhs, rhsZero))
    return rewriter.notifyMatchFailure(
        op, "operands and zero points must be integers of one type each");
  FailureOr<Value> a = shiftToI32(rewriter, op, lhs, lhsZero);
  if (failed(a))
    return failure();
  FailureOr<Value> b = shiftToI32(rewriter, op, rhs, rhsZero);
  if (failed(b))
    return failure();
  return MatMulOp::create(rewriter, op.getLoc(),
                          resultType.clone(rewriter.getI32Type()), *a, *b)
      .getResult();
}

struct MatMulIntegerLowering : OpConversionPattern<MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().getElementType().isSignlessInteger(32))
      return rewriter.notifyMatchFailure(op, "the result must be i32");
    FailureOr<Value> product =
        shiftedMatMul(rewriter, op, adaptor.getLhs(), adaptor.getLhsZeroPoint(),
                      adaptor.getRhs(), adaptor.getRhsZeroPoint());
    if (failed(product))
      return failure();
    rewriter.replaceOp(op, *product);
    return success();
  }
};

/// The i32 product, then `lhs_scale * rhs_scale / output_scale` (in the
/// scales' type) applied to it in one broadcasting epilogue.
struct QLinearMatMulLowering : OpConversionPattern<QLinearMatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QLinearMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type outElem = resultType.getElementType();
    Type scaleElem = elementOf(adaptor.getLhsScale());
    if (const char *why =
            checkRequantizedTypes({adaptor.getLhsScale(), adaptor.getRhsScale(),
                                   adaptor.getOutputScale()},
                                  outElem))
      return rewriter.notifyMatchFailure(op, why);
    FailureOr<Value> product =
        shiftedMatMul(rewriter, op, adaptor.getLhs(), adaptor.getLhsZeroPoint(),
                      adaptor.getRhs(), adaptor.getRhsZeroPoint());
    if (failed(product))
      return failure();
    bool isUnsigned = outElem.isUnsignedInteger();
    FailureOr<Value> result = buildBroadcastingGeneric(
        rewriter, op,
        ValueRange{*product, adaptor.getLhsScale(), adaptor.getRhsScale(),
                   adaptor.getOutputScale(), adaptor.getOutputZeroPoint()},
        resultType, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value zero = reinterpret(b, l, a[4], toSignless(a[4].getType()));
          Value multiplier = arith::DivFOp::create(
              b, l, arith::MulFOp::create(b, l, a[1], a[2]), a[3]);
          Value q = requantize(b, l, a[0], multiplier, zero, isUnsigned);
          return reinterpret(b, l, q, outElem);
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// The i32 convolution of the zero-point-shifted input and weight (group
/// 1, 1-D to 3-D, static shapes but the batch), onto `init`.
template <typename OpTy>
FailureOr<Value> shiftedConv(ConversionPatternRewriter &rewriter, OpTy op,
                             Value input, Value inputZero, Value weight,
                             Value weightZero, Value bias) {
  Location loc = op.getLoc();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto resultType =
      cast<RankedTensorType>(op.getType()).clone(rewriter.getI32Type());
  int64_t spatial = inputType.getRank() - 2;
  if (!hasStaticShapeBeyondBatch(inputType) || !weightType.hasStaticShape() ||
      !hasStaticShapeBeyondBatch(resultType))
    return rewriter.notifyMatchFailure(op, "dynamic shapes");
  if (op.getGroup() != 1 || spatial < 1 || spatial > 3)
    return rewriter.notifyMatchFailure(
        op, "only ungrouped 1-D to 3-D convolutions");
  if (bias && elementOf(bias) != rewriter.getI32Type())
    return rewriter.notifyMatchFailure(op, "the bias must be i32");
  if (!isSingle(cast<RankedTensorType>(inputZero.getType())))
    return rewriter.notifyMatchFailure(op, "the input's zero point is not 0-d");
  if (!canShift(input, inputZero) || !canShift(weight, weightZero))
    return rewriter.notifyMatchFailure(
        op, "operands and zero points must be integers of one type each");
  FailureOr<Value> x = shiftToI32(rewriter, op, input, inputZero);
  if (failed(x))
    return failure();
  FailureOr<Value> w =
      shiftToI32(rewriter, op, weight, weightZero, /*dim=*/int64_t(0));
  if (failed(w))
    return failure();

  // Padding with the input's zero point is padding the shifted input with 0.
  ArrayRef<int64_t> pads = op.getPads();
  Value zero = createScalar(rewriter, loc, rewriter.getI32Type(), 0);
  Value padded = *x;
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
    SmallVector<int64_t> shape(inputType.getShape());
    SmallVector<OpFoldResult> lows(2, rewriter.getIndexAttr(0)),
        highs(2, rewriter.getIndexAttr(0));
    for (int64_t i = 0; i < spatial; ++i) {
      shape[i + 2] += pads[i] + pads[i + spatial];
      lows.push_back(rewriter.getIndexAttr(pads[i]));
      highs.push_back(rewriter.getIndexAttr(pads[i + spatial]));
    }
    padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(shape, rewriter.getI32Type()),
        padded, lows, highs, zero);
  }

  SmallVector<Value> batch = getDynamicBatch(rewriter, loc, input, resultType);
  Value init;
  if (bias) {
    SmallVector<int64_t> added = {0};
    for (int64_t i = 0; i < spatial; ++i)
      added.push_back(i + 2);
    init = linalg::BroadcastOp::create(
               rewriter, loc, bias,
               createEmpty(rewriter, loc, resultType, batch), added)
               ->getResult(0);
  } else {
    init = createFilled(rewriter, loc, resultType, zero, batch);
  }
  NamedAttribute attrs[] = {
      rewriter.getNamedAttr("strides",
                            rewriter.getI64TensorAttr(op.getStrides())),
      rewriter.getNamedAttr("dilations",
                            rewriter.getI64TensorAttr(op.getDilations()))};
  SmallVector<Value> ins = {padded, *w};
  SmallVector<Type> types = {resultType};
  if (spatial == 1)
    return linalg::Conv1DNcwFcwOp::create(rewriter, loc, types, ins, init,
                                          attrs)
        .getResult(0);
  if (spatial == 2)
    return linalg::Conv2DNchwFchwOp::create(rewriter, loc, types, ins, init,
                                            attrs)
        .getResult(0);
  return linalg::Conv3DNcdhwFcdhwOp::create(rewriter, loc, types, ins, init,
                                            attrs)
      .getResult(0);
}

struct ConvIntegerLowering : OpConversionPattern<ConvIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().getElementType().isSignlessInteger(32))
      return rewriter.notifyMatchFailure(op, "the result must be i32");
    FailureOr<Value> result = shiftedConv(
        rewriter, op, adaptor.getInput(), adaptor.getInputZeroPoint(),
        adaptor.getWeight(), adaptor.getWeightZeroPoint(), Value());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// The i32 convolution plus bias, requantized with the multiplier
/// `input_scale * weight_scale / output_scale`, the weight's scale per
/// output channel (dimension 1 of the result) when it is a vector.
struct QLinearConvLowering : OpConversionPattern<QLinearConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QLinearConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type outElem = resultType.getElementType();
    Type scaleElem = elementOf(adaptor.getInputScale());
    if (const char *why = checkRequantizedTypes({adaptor.getInputScale(),
                                                 adaptor.getWeightScale(),
                                                 adaptor.getOutputScale()},
                                                outElem))
      return rewriter.notifyMatchFailure(op, why);
    for (Value param : {adaptor.getInputScale(), adaptor.getOutputScale(),
                        adaptor.getOutputZeroPoint()})
      if (!isSingle(cast<RankedTensorType>(param.getType())))
        return rewriter.notifyMatchFailure(
            op, "input and output parameters must be per tensor");
    FailureOr<Value> acc = shiftedConv(
        rewriter, op, adaptor.getInput(), adaptor.getInputZeroPoint(),
        adaptor.getWeight(), adaptor.getWeightZeroPoint(), adaptor.getBias());
    if (failed(acc))
      return failure();

    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    SmallVector<Value> inputs = {
        *acc, adaptor.getInputScale(), adaptor.getWeightScale(),
        adaptor.getOutputScale(), adaptor.getOutputZeroPoint()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    for (Value param : ArrayRef(inputs).drop_front())
      maps.push_back(parameterMap(
          rewriter, cast<RankedTensorType>(param.getType()), rank, 1));
    bool isUnsigned = outElem.isUnsignedInteger();
    Value result = buildMapped(
        rewriter, loc, resultType, dynamicSizesOf(rewriter, loc, *acc), inputs,
        maps, [&](OpBuilder &b, Location l, ValueRange a) {
          Value multiplier = arith::DivFOp::create(
              b, l, arith::MulFOp::create(b, l, a[1], a[2]), a[3]);
          return requantize(b, l, a[0], multiplier, a[4], isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateQuantizedPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               MatMulIntegerLowering, QLinearMatMulLowering,
               ConvIntegerLowering, QLinearConvLowering>(patterns.getContext());
}
