//===- Elementwise.cpp - elementwise kiln ops to linalg.generic -----------===//
//
// Every elementwise kiln op becomes one linalg.generic whose body computes an
// element with arith and math ops; operands broadcast through their
// indexing maps (buildBroadcastingGeneric). Each op's scalar computation is
// a small function that returns a null value for element types it does not
// handle, which makes the pattern fail with a reason instead of producing
// invalid IR.
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

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }
bool isInt(Value v) { return v.getType().isSignlessInteger(); }
bool isBool(Value v) { return v.getType().isInteger(1); }

Value cst(OpBuilder &b, Location loc, Value like, double value) {
  return createScalar(b, loc, like.getType(), value);
}

/// Whether the op's first operand holds unsigned integers (ONNX's uint8 to
/// uint64), which the scalar functions compute on as signless integers with
/// the unsigned flavour of each arith op.
bool hasUnsignedOperands(Operation *op) {
  return getElementTypeOrSelf(op->getOperand(0).getType()).isUnsignedInteger();
}

/// Lowers OpTy with `Fn(op, builder, loc, elements)` as the body of a
/// broadcasting linalg.generic producing the op's only result. Signed and
/// unsigned integer elements reach `Fn` as signless integers (and a signless
/// result is given the result's signedness back).
template <typename OpTy> struct MapToGeneric : OpConversionPattern<OpTy> {
  using ScalarFn = Value (*)(OpTy, OpBuilder &, Location, ValueRange);
  MapToGeneric(MLIRContext *ctx, ScalarFn fn)
      : OpConversionPattern<OpTy>(ctx), fn(fn) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Type resultElement = resultType.getElementType();
    auto result = buildBroadcastingGeneric(
        rewriter, op, adaptor.getOperands(), resultType,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          SmallVector<Value> signless;
          for (Value arg : args)
            signless.push_back(
                reinterpret(b, loc, arg, toSignless(arg.getType())));
          Value value = fn(op, b, loc, signless);
          if (!value || value.getType() != toSignless(resultElement))
            return value;
          return reinterpret(b, loc, value, resultElement);
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }

  ScalarFn fn;
};

template <typename OpTy>
void add(RewritePatternSet &patterns,
         typename MapToGeneric<OpTy>::ScalarFn fn) {
  patterns.add<MapToGeneric<OpTy>>(patterns.getContext(), fn);
}

/// A float op that maps to one math op of the same name.
template <typename OpTy, typename MathOp>
void addMath(RewritePatternSet &patterns) {
  add<OpTy>(patterns, [](OpTy, OpBuilder &b, Location loc, ValueRange a) {
    return isFloat(a[0]) ? MathOp::create(b, loc, a[0]).getResult() : Value();
  });
}

/// A binary op with one arith op for floats, one for signed integers and
/// one for unsigned integers (any may be void, meaning unsupported; the
/// unsigned one defaults to the signed one, for ops that do not care).
template <typename OpTy, typename FloatOp, typename IntOp,
          typename UIntOp = IntOp>
void addArith(RewritePatternSet &patterns) {
  add<OpTy>(patterns, [](OpTy op, OpBuilder &b, Location loc, ValueRange a) {
    if constexpr (!std::is_void_v<FloatOp>)
      if (isFloat(a[0]))
        return FloatOp::create(b, loc, a[0], a[1]).getResult();
    if (!isInt(a[0]))
      return Value();
    if (hasUnsignedOperands(op)) {
      if constexpr (!std::is_void_v<UIntOp>)
        return UIntOp::create(b, loc, a[0], a[1]).getResult();
      return Value();
    }
    if constexpr (!std::is_void_v<IntOp>)
      return IntOp::create(b, loc, a[0], a[1]).getResult();
    return Value();
  });
}

/// A comparison: ordered float predicates, signed or unsigned integer ones.
template <typename OpTy, arith::CmpFPredicate FP, arith::CmpIPredicate IP,
          arith::CmpIPredicate UP>
void addCompare(RewritePatternSet &patterns) {
  add<OpTy>(patterns, [](OpTy op, OpBuilder &b, Location loc, ValueRange a) {
    if (isFloat(a[0]))
      return arith::CmpFOp::create(b, loc, FP, a[0], a[1]).getResult();
    if (isInt(a[0]))
      return arith::CmpIOp::create(b, loc, hasUnsignedOperands(op) ? UP : IP,
                                   a[0], a[1])
          .getResult();
    return Value();
  });
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = cst(b, loc, x, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

Value softplus(OpBuilder &b, Location loc, Value x) {
  return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
}

/// alpha * (exp(x) - 1), the negative branch of elu, selu and celu.
Value expMinusOne(OpBuilder &b, Location loc, Value x, double alpha) {
  return arith::MulFOp::create(b, loc, cst(b, loc, x, alpha),
                               math::ExpM1Op::create(b, loc, x));
}

Value clamp01(OpBuilder &b, Location loc, Value x) {
  Value lo = arith::MaximumFOp::create(b, loc, x, cst(b, loc, x, 0.0));
  return arith::MinimumFOp::create(b, loc, lo, cst(b, loc, x, 1.0));
}

Value select(OpBuilder &b, Location loc, Value c, Value x, Value y) {
  return arith::SelectOp::create(b, loc, c, x, y);
}

Value cmpf(OpBuilder &b, Location loc, arith::CmpFPredicate p, Value x,
           Value y) {
  return arith::CmpFOp::create(b, loc, p, x, y);
}

/// Element conversion between any two of float, signless integer and i1;
/// `fromUnsigned`/`toUnsigned` say how the integers are read (they reach the
/// scalar builders as signless integers). The 8- and 4-bit floats convert
/// through f32 (`saturate` as for kiln.cast); conversions to integers of
/// under 8 bits wrap, as ONNX's reference does.
Value castElement(OpBuilder &b, Location loc, Value x, Type to,
                  bool fromUnsigned = false, bool toUnsigned = false,
                  bool saturate = true) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (isMiniFloat(from) || isMiniFloat(to)) {
    Type f32 = b.getF32Type();
    Value wide = isMiniFloat(from) ? extendMiniFloat(b, loc, x)
                                   : castElement(b, loc, x, f32, fromUnsigned);
    if (!wide)
      return {};
    if (isMiniFloat(to))
      return truncateToMiniFloat(b, loc, wide, cast<FloatType>(to), saturate);
    return castElement(b, loc, wide, to, false, toUnsigned);
  }
  if (isa<FloatType>(from) && to.isSignlessInteger() &&
      to.getIntOrFloatBitWidth() > 1 && to.getIntOrFloatBitWidth() < 8) {
    Value wide = arith::FPToSIOp::create(b, loc, b.getI32Type(), x);
    return arith::TruncIOp::create(b, loc, to, wide);
  }
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (!(fromFloat || from.isSignlessInteger()) ||
      !(toFloat || to.isSignlessInteger()))
    return {};
  if (to.isInteger(1)) // Anything non-zero is true.
    return fromFloat
               ? cmpf(b, loc, arith::CmpFPredicate::UNE, x, cst(b, loc, x, 0.0))
               : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                       cst(b, loc, x, 0))
                     .getResult();
  if (fromFloat && toFloat) {
    unsigned fromWidth = from.getIntOrFloatBitWidth(),
             toWidth = to.getIntOrFloatBitWidth();
    if (fromWidth == toWidth) // f16 <-> bf16: through f32.
      return arith::TruncFOp::create(
          b, loc, to, arith::ExtFOp::create(b, loc, b.getF32Type(), x));
    return fromWidth < toWidth
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  }
  bool zeroExtend = fromUnsigned || from.isInteger(1);
  if (toFloat)
    return zeroExtend ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                      : arith::SIToFPOp::create(b, loc, to, x).getResult();
  if (fromFloat)
    return toUnsigned ? arith::FPToUIOp::create(b, loc, to, x).getResult()
                      : arith::FPToSIOp::create(b, loc, to, x).getResult();
  if (from.getIntOrFloatBitWidth() > to.getIntOrFloatBitWidth())
    return arith::TruncIOp::create(b, loc, to, x);
  return zeroExtend ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                    : arith::ExtSIOp::create(b, loc, to, x).getResult();
}

bool isUnsignedElement(Value tensor) {
  return getElementTypeOrSelf(tensor.getType()).isUnsignedInteger();
}

/// x^e on integers by square-and-multiply over every bit of `e` (unrolled:
/// no region in the generic's body, so it still vectorizes). A negative
/// exponent reads as a large unsigned one; ONNX leaves it undefined.
Value integerPow(OpBuilder &b, Location loc, Value x, Value e) {
  Value result = cst(b, loc, x, 1), base = x;
  Value one = cst(b, loc, e, 1), zero = cst(b, loc, e, 0);
  for (unsigned i = 0, width = e.getType().getIntOrFloatBitWidth(); i < width;
       ++i) {
    Value bit = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, e, cst(b, loc, e, i)), one);
    Value set =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit, zero);
    result = select(b, loc, set, arith::MulIOp::create(b, loc, result, base),
                    result);
    if (i + 1 < width)
      base = arith::MulIOp::create(b, loc, base, base);
  }
  return result;
}

/// Identity-like ops disappear: their result is their operand.
template <typename OpTy> struct ForwardOperand : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

void populateUnary(RewritePatternSet &patterns) {
  using FP = arith::CmpFPredicate;
  addMath<FloorOp, math::FloorOp>(patterns);
  addMath<CeilOp, math::CeilOp>(patterns);
  addMath<RoundOp, math::RoundEvenOp>(patterns);
  addMath<SqrtOp, math::SqrtOp>(patterns);
  addMath<ExpOp, math::ExpOp>(patterns);
  addMath<LogOp, math::LogOp>(patterns);
  addMath<ErfOp, math::ErfOp>(patterns);
  addMath<SinOp, math::SinOp>(patterns);
  addMath<CosOp, math::CosOp>(patterns);
  addMath<TanOp, math::TanOp>(patterns);
  addMath<AsinOp, math::AsinOp>(patterns);
  addMath<AcosOp, math::AcosOp>(patterns);
  addMath<AtanOp, math::AtanOp>(patterns);
  addMath<SinhOp, math::SinhOp>(patterns);
  addMath<CoshOp, math::CoshOp>(patterns);
  addMath<TanhOp, math::TanhOp>(patterns);
  addMath<AsinhOp, math::AsinhOp>(patterns);
  addMath<AcoshOp, math::AcoshOp>(patterns);
  addMath<AtanhOp, math::AtanhOp>(patterns);
  patterns.add<ForwardOperand<IdentityOp>, ForwardOperand<DropoutOp>>(
      patterns.getContext());

  add<AbsOp>(patterns, [](AbsOp op, OpBuilder &b, Location loc, ValueRange a) {
    if (isFloat(a[0]))
      return math::AbsFOp::create(b, loc, a[0]).getResult();
    if (hasUnsignedOperands(op))
      return a[0];
    return isInt(a[0]) ? math::AbsIOp::create(b, loc, a[0]).getResult()
                       : Value();
  });
  add<NegOp>(patterns, [](NegOp, OpBuilder &b, Location loc, ValueRange a) {
    if (isFloat(a[0]))
      return arith::NegFOp::create(b, loc, a[0]).getResult();
    return isInt(a[0])
               ? arith::SubIOp::create(b, loc, cst(b, loc, a[0], 0), a[0])
                     .getResult()
               : Value();
  });
  add<ReciprocalOp>(
      patterns, [](ReciprocalOp, OpBuilder &b, Location loc, ValueRange a) {
        return isFloat(a[0])
                   ? arith::DivFOp::create(b, loc, cst(b, loc, a[0], 1), a[0])
                         .getResult()
                   : Value();
      });
  add<SignOp>(patterns, [](SignOp op, OpBuilder &b, Location loc,
                           ValueRange a) {
    Value x = a[0], zero = cst(b, loc, x, 0);
    Value pos, neg;
    if (isInt(x) && hasUnsignedOperands(op)) {
      pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
      return select(b, loc, pos, cst(b, loc, x, 1), zero);
    }
    if (isFloat(x)) {
      pos = cmpf(b, loc, FP::OGT, x, zero);
      neg = cmpf(b, loc, FP::OLT, x, zero);
    } else if (isInt(x) && !isBool(x)) {
      pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
      neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    } else {
      return Value();
    }
    return select(b, loc, pos, cst(b, loc, x, 1),
                  select(b, loc, neg, cst(b, loc, x, -1), zero));
  });
  add<ReluOp>(
      patterns, [](ReluOp op, OpBuilder &b, Location loc, ValueRange a) {
        if (isFloat(a[0]))
          return arith::MaximumFOp::create(b, loc, a[0], cst(b, loc, a[0], 0))
              .getResult();
        if (hasUnsignedOperands(op))
          return a[0];
        return isInt(a[0])
                   ? arith::MaxSIOp::create(b, loc, a[0], cst(b, loc, a[0], 0))
                         .getResult()
                   : Value();
      });
  add<SigmoidOp>(patterns,
                 [](SigmoidOp, OpBuilder &b, Location loc, ValueRange a) {
                   return isFloat(a[0]) ? sigmoid(b, loc, a[0]) : Value();
                 });
  add<SoftplusOp>(patterns,
                  [](SoftplusOp, OpBuilder &b, Location loc, ValueRange a) {
                    return isFloat(a[0]) ? softplus(b, loc, a[0]) : Value();
                  });
  add<SoftsignOp>(
      patterns, [](SoftsignOp, OpBuilder &b, Location loc, ValueRange a) {
        if (!isFloat(a[0]))
          return Value();
        Value d = arith::AddFOp::create(b, loc, cst(b, loc, a[0], 1),
                                        math::AbsFOp::create(b, loc, a[0]));
        return arith::DivFOp::create(b, loc, a[0], d).getResult();
      });
  add<MishOp>(patterns, [](MishOp, OpBuilder &b, Location loc, ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value t = math::TanhOp::create(b, loc, softplus(b, loc, a[0]));
    return arith::MulFOp::create(b, loc, a[0], t).getResult();
  });
  add<HardSwishOp>(
      patterns, [](HardSwishOp, OpBuilder &b, Location loc, ValueRange a) {
        if (!isFloat(a[0]))
          return Value();
        Value x = a[0];
        Value t = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, 1.0 / 6)),
            cst(b, loc, x, 0.5));
        return arith::MulFOp::create(b, loc, x, clamp01(b, loc, t)).getResult();
      });
  add<NotOp>(patterns, [](NotOp, OpBuilder &b, Location loc, ValueRange a) {
    return isBool(a[0])
               ? arith::XOrIOp::create(b, loc, a[0], cst(b, loc, a[0], 1))
                     .getResult()
               : Value();
  });
  add<BitwiseNotOp>(
      patterns, [](BitwiseNotOp, OpBuilder &b, Location loc, ValueRange a) {
        return isInt(a[0])
                   ? arith::XOrIOp::create(b, loc, a[0], cst(b, loc, a[0], -1))
                         .getResult()
                   : Value();
      });
  add<IsNaNOp>(patterns, [](IsNaNOp, OpBuilder &b, Location loc, ValueRange a) {
    return isFloat(a[0]) ? cmpf(b, loc, FP::UNO, a[0], a[0]) : Value();
  });
  add<IsInfOp>(
      patterns, [](IsInfOp op, OpBuilder &b, Location loc, ValueRange a) {
        if (!isFloat(a[0]))
          return Value();
        Value x = a[0],
              result = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
        double inf = INFINITY;
        if (op.getDetectPositive())
          result = arith::OrIOp::create(
              b, loc, result, cmpf(b, loc, FP::OEQ, x, cst(b, loc, x, inf)));
        if (op.getDetectNegative())
          result = arith::OrIOp::create(
              b, loc, result, cmpf(b, loc, FP::OEQ, x, cst(b, loc, x, -inf)));
        return result;
      });
}

void populateActivations(RewritePatternSet &patterns) {
  using FP = arith::CmpFPredicate;
  add<LeakyReluOp>(
      patterns, [](LeakyReluOp op, OpBuilder &b, Location loc, ValueRange a) {
        if (!isFloat(a[0]))
          return Value();
        Value x = a[0];
        Value scaled = arith::MulFOp::create(
            b, loc, x, cst(b, loc, x, op.getAlpha().convertToDouble()));
        return select(b, loc, cmpf(b, loc, FP::OGE, x, cst(b, loc, x, 0)), x,
                      scaled);
      });
  add<EluOp>(patterns, [](EluOp op, OpBuilder &b, Location loc, ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0];
    return select(b, loc, cmpf(b, loc, FP::OGE, x, cst(b, loc, x, 0)), x,
                  expMinusOne(b, loc, x, op.getAlpha().convertToDouble()));
  });
  add<SeluOp>(patterns, [](SeluOp op, OpBuilder &b, Location loc,
                           ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0];
    Value v = select(b, loc, cmpf(b, loc, FP::OGT, x, cst(b, loc, x, 0)), x,
                     expMinusOne(b, loc, x, op.getAlpha().convertToDouble()));
    return arith::MulFOp::create(
               b, loc, cst(b, loc, x, op.getGamma().convertToDouble()), v)
        .getResult();
  });
  add<CeluOp>(patterns, [](CeluOp op, OpBuilder &b, Location loc,
                           ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0];
    double alpha = op.getAlpha().convertToDouble();
    Value neg = expMinusOne(
        b, loc, arith::DivFOp::create(b, loc, x, cst(b, loc, x, alpha)), alpha);
    Value zero = cst(b, loc, x, 0);
    return arith::AddFOp::create(b, loc,
                                 arith::MaximumFOp::create(b, loc, x, zero),
                                 arith::MinimumFOp::create(b, loc, neg, zero))
        .getResult();
  });
  add<HardSigmoidOp>(patterns, [](HardSigmoidOp op, OpBuilder &b, Location loc,
                                  ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0];
    Value t = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x,
                              cst(b, loc, x, op.getAlpha().convertToDouble())),
        cst(b, loc, x, op.getBeta().convertToDouble()));
    return clamp01(b, loc, t);
  });
  add<ThresholdedReluOp>(patterns, [](ThresholdedReluOp op, OpBuilder &b,
                                      Location loc, ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0];
    Value alpha = cst(b, loc, x, op.getAlpha().convertToDouble());
    return select(b, loc, cmpf(b, loc, FP::OGT, x, alpha), x,
                  cst(b, loc, x, 0));
  });
  add<ShrinkOp>(
      patterns, [](ShrinkOp op, OpBuilder &b, Location loc, ValueRange a) {
        if (!isFloat(a[0]))
          return Value();
        Value x = a[0];
        double lambd = op.getLambd().convertToDouble();
        Value bias = cst(b, loc, x, op.getBias().convertToDouble());
        Value up =
            select(b, loc, cmpf(b, loc, FP::OGT, x, cst(b, loc, x, lambd)),
                   arith::SubFOp::create(b, loc, x, bias), cst(b, loc, x, 0));
        return select(b, loc, cmpf(b, loc, FP::OLT, x, cst(b, loc, x, -lambd)),
                      arith::AddFOp::create(b, loc, x, bias), up);
      });
  add<SwishOp>(patterns, [](SwishOp op, OpBuilder &b, Location loc,
                            ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0];
    Value ax = arith::MulFOp::create(
        b, loc, x, cst(b, loc, x, op.getAlpha().convertToDouble()));
    return arith::MulFOp::create(b, loc, x, sigmoid(b, loc, ax)).getResult();
  });
  add<GeluOp>(patterns, [](GeluOp op, OpBuilder &b, Location loc,
                           ValueRange a) {
    if (!isFloat(a[0]))
      return Value();
    Value x = a[0], inner;
    if (op.getTanhApproximation()) {
      // tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))
      Value x3 =
          arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
      Value poly = arith::AddFOp::create(
          b, loc, x,
          arith::MulFOp::create(b, loc, cst(b, loc, x, 0.044715), x3));
      inner = math::TanhOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, cst(b, loc, x, std::sqrt(2 / M_PI)),
                                poly));
    } else {
      inner = math::ErfOp::create(
          b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, M_SQRT1_2)));
    }
    Value half = arith::MulFOp::create(b, loc, cst(b, loc, x, 0.5), x);
    return arith::MulFOp::create(
               b, loc, half,
               arith::AddFOp::create(b, loc, cst(b, loc, x, 1), inner))
        .getResult();
  });
}

void populateBinary(RewritePatternSet &patterns) {
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  addArith<AddOp, arith::AddFOp, arith::AddIOp>(patterns);
  addArith<SubOp, arith::SubFOp, arith::SubIOp>(patterns);
  addArith<MulOp, arith::MulFOp, arith::MulIOp>(patterns);
  addArith<DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(patterns);
  // ONNX Min/Max propagate NaN, as arith's minimumf/maximumf do.
  addArith<MinOp, arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(patterns);
  addArith<MaxOp, arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(patterns);
  addArith<BitwiseAndOp, void, arith::AndIOp>(patterns);
  addArith<BitwiseOrOp, void, arith::OrIOp>(patterns);
  addArith<BitwiseXorOp, void, arith::XOrIOp>(patterns);
  addCompare<EqualOp, FP::OEQ, IP::eq, IP::eq>(patterns);
  addCompare<LessOp, FP::OLT, IP::slt, IP::ult>(patterns);
  addCompare<LessEqualOp, FP::OLE, IP::sle, IP::ule>(patterns);
  addCompare<GreaterOp, FP::OGT, IP::sgt, IP::ugt>(patterns);
  addCompare<GreaterEqualOp, FP::OGE, IP::sge, IP::uge>(patterns);

  // Logic ops are defined on booleans only.
  add<AndOp>(patterns, [](AndOp, OpBuilder &b, Location loc, ValueRange a) {
    return isBool(a[0]) ? arith::AndIOp::create(b, loc, a[0], a[1]).getResult()
                        : Value();
  });
  add<OrOp>(patterns, [](OrOp, OpBuilder &b, Location loc, ValueRange a) {
    return isBool(a[0]) ? arith::OrIOp::create(b, loc, a[0], a[1]).getResult()
                        : Value();
  });
  add<XorOp>(patterns, [](XorOp, OpBuilder &b, Location loc, ValueRange a) {
    return isBool(a[0]) ? arith::XOrIOp::create(b, loc, a[0], a[1]).getResult()
                        : Value();
  });
  add<BitShiftOp>(
      patterns, [](BitShiftOp op, OpBuilder &b, Location loc, ValueRange a) {
        // ONNX BitShift is defined on unsigned integers: a logical right shift.
        if (!isInt(a[0]))
          return Value();
        return op.getShiftLeft()
                   ? arith::ShLIOp::create(b, loc, a[0], a[1]).getResult()
                   : arith::ShRUIOp::create(b, loc, a[0], a[1]).getResult();
      });
  add<PowOp>(patterns, [](PowOp op, OpBuilder &b, Location loc, ValueRange a) {
    Value x = a[0], y = a[1];
    bool xUnsigned = isUnsignedElement(op.getLhs()),
         yUnsigned = isUnsignedElement(op.getRhs());
    if (isFloat(x)) {
      Value exponent = castElement(b, loc, y, x.getType(), yUnsigned);
      return exponent ? math::PowFOp::create(b, loc, x, exponent).getResult()
                      : Value();
    }
    if (!isInt(x) || isBool(x))
      return Value();
    if (isFloat(y)) {
      // An integer base with a float exponent: the power in the exponent's
      // type, truncated toward zero into the base's.
      Value base = castElement(b, loc, x, y.getType(), xUnsigned);
      Value power = math::PowFOp::create(b, loc, base, y);
      return castElement(b, loc, power, x.getType(), false, xUnsigned);
    }
    if (!isInt(y) || isBool(y))
      return Value();
    return integerPow(b, loc, x,
                      castElement(b, loc, y, x.getType(), yUnsigned));
  });
  add<ModOp>(patterns, [](ModOp op, OpBuilder &b, Location loc, ValueRange a) {
    Value x = a[0], y = a[1];
    if (isFloat(x))
      return arith::RemFOp::create(b, loc, x, y).getResult();
    if (!isInt(x))
      return Value();
    // Unsigned remainders have no sign to fix up.
    if (hasUnsignedOperands(op))
      return arith::RemUIOp::create(b, loc, x, y).getResult();
    Value rem = arith::RemSIOp::create(b, loc, x, y);
    if (op.getFmod())
      return rem;
    // Python's remainder takes the divisor's sign: fix up a non-zero
    // remainder whose sign differs from the divisor's.
    Value zero = cst(b, loc, x, 0);
    Value nonZero = arith::CmpIOp::create(b, loc, IP::ne, rem, zero);
    Value signsDiffer = arith::XOrIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, IP::slt, rem, zero),
        arith::CmpIOp::create(b, loc, IP::slt, y, zero));
    return select(b, loc, arith::AndIOp::create(b, loc, nonZero, signsDiffer),
                  arith::AddIOp::create(b, loc, rem, y), rem);
  });
  add<PReluOp>(patterns, [](PReluOp, OpBuilder &b, Location loc, ValueRange a) {
    Value x = a[0];
    if (!isFloat(x))
      return Value();
    return select(b, loc, cmpf(b, loc, FP::OGE, x, cst(b, loc, x, 0)), x,
                  arith::MulFOp::create(b, loc, a[1], x));
  });
  add<WhereOp>(patterns, [](WhereOp, OpBuilder &b, Location loc, ValueRange a) {
    return isBool(a[0]) ? select(b, loc, a[0], a[1], a[2]) : Value();
  });
  add<ClipOp>(patterns, [](ClipOp op, OpBuilder &b, Location loc,
                           ValueRange a) {
    // min(max(x, lo), hi): when lo > hi every element becomes hi, as in ONNX.
    if (isFloat(a[0]))
      return arith::MinimumFOp::create(
                 b, loc, arith::MaximumFOp::create(b, loc, a[0], a[1]), a[2])
          .getResult();
    if (isInt(a[0]) && hasUnsignedOperands(op))
      return arith::MinUIOp::create(
                 b, loc, arith::MaxUIOp::create(b, loc, a[0], a[1]), a[2])
          .getResult();
    if (isInt(a[0]))
      return arith::MinSIOp::create(
                 b, loc, arith::MaxSIOp::create(b, loc, a[0], a[1]), a[2])
          .getResult();
    return Value();
  });
  add<BitCastOp>(
      patterns, [](BitCastOp op, OpBuilder &b, Location loc, ValueRange a) {
        Value x = a[0];
        Type to = toSignless(op.getType().getElementType());
        if (!to.isIntOrFloat() || !x.getType().isIntOrFloat())
          return Value();
        // Booleans are stored in a byte: widening one keeps its bits.
        if (isBool(x) && to.isSignlessInteger(8))
          return arith::ExtUIOp::create(b, loc, to, x).getResult();
        if (x.getType().getIntOrFloatBitWidth() != to.getIntOrFloatBitWidth())
          return Value();
        return x.getType() == to
                   ? x
                   : arith::BitcastOp::create(b, loc, to, x).getResult();
      });
  add<CastOp>(patterns, [](CastOp op, OpBuilder &b, Location loc,
                           ValueRange a) {
    Type to = op.getType().getElementType();
    return castElement(b, loc, a[0], toSignless(to), hasUnsignedOperands(op),
                       to.isUnsignedInteger(), op.getSaturate());
  });
}

} // namespace

void kiln::populateElementwisePatterns(RewritePatternSet &patterns) {
  populateUnary(patterns);
  populateActivations(patterns);
  populateBinary(patterns);
}
