//===- MiniFloat.cpp - Software conversions of the 8- and 4-bit floats ----===//
//
// A format with W bits, M mantissa bits and smallest normal exponent emin
// encodes a magnitude as (E << M) | m: E = 0 is subnormal, m * 2^(emin - M);
// otherwise (1 + m / 2^M) * 2^(E - 1 + emin). The parameters and the codes
// that mean NaN or infinity come from LLVM's APFloat semantics of the MLIR
// type, so one routine serves every format.
//
//===----------------------------------------------------------------------===//

#include "MiniFloat.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;

namespace {

/// What the conversions need to know of a signed mini-float format.
struct Format {
  unsigned width = 0;
  unsigned mantissaBits = 0;
  int minExponent = 0;
  /// Magnitude codes (sign bit clear): the largest finite one, infinity's
  /// (or -1) and the lowest NaN (or -1).
  int64_t largestCode = 0, infCode = -1, lowestNaNCode = -1;
  /// The FNUZ formats: the negative zero code is their only NaN.
  bool negativeZeroIsNaN = false;
  /// The code of a quiet NaN, sign clear (or -1 without NaN).
  int64_t quietNaNCode = -1;
  float largest = 0;
};

Format describe(FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  Format f;
  f.width = type.getWidth();
  f.mantissaBits = llvm::APFloat::semanticsPrecision(sem) - 1;
  f.minExponent = llvm::APFloat::semanticsMinExponent(sem);
  for (int64_t code = 0; code < (int64_t{1} << (f.width - 1)); ++code) {
    llvm::APFloat value(sem, llvm::APInt(f.width, code));
    if (value.isNaN() && f.lowestNaNCode < 0)
      f.lowestNaNCode = code;
    else if (value.isInfinity())
      f.infCode = code;
    else if (!value.isNaN())
      f.largestCode = code;
  }
  f.negativeZeroIsNaN =
      llvm::APFloat(sem, llvm::APInt(f.width, int64_t{1} << (f.width - 1)))
          .isNaN();
  if (f.lowestNaNCode >= 0 || f.negativeZeroIsNaN)
    f.quietNaNCode =
        llvm::APFloat::getQNaN(sem).bitcastToAPInt().getZExtValue();
  llvm::APFloat largest = llvm::APFloat::getLargest(sem);
  bool losesInfo = false;
  largest.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  f.largest = largest.convertToFloat();
  return f;
}

/// Small helpers over i32 and f32 scalars.
struct Bits {
  OpBuilder &b;
  Location loc;

  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value f32(float v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          llvm::APFloat(v));
  }
  Value toBits(Value f) {
    return arith::BitcastOp::create(b, loc, b.getI32Type(), f);
  }
  Value toFloat(Value i) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), i);
  }
  Value shl(Value x, int64_t n) {
    return arith::ShLIOp::create(b, loc, x, i32(n));
  }
  Value shr(Value x, int64_t n) {
    return arith::ShRUIOp::create(b, loc, x, i32(n));
  }
  Value bitAnd(Value x, int64_t mask) {
    return arith::AndIOp::create(b, loc, x, i32(mask));
  }
  Value bitOr(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value eq(Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, i32(v));
  }
  Value uge(Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, x, i32(v));
  }
  Value ugt(Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, x, i32(v));
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  /// 2^k as an f32 (k within the normal range).
  Value pow2(Value k) { return toFloat(shl(add(k, i32(127)), 23)); }
};

/// The code of `x` (an iW-wide mini-float value) zero-extended to i32.
Value codeOf(OpBuilder &b, Location loc, Value x) {
  unsigned width = x.getType().getIntOrFloatBitWidth();
  Value bits = arith::BitcastOp::create(b, loc, b.getIntegerType(width), x);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), bits);
}

/// The i32 `code`'s low bits as the mini-float type `to`.
Value fromCode(OpBuilder &b, Location loc, Value code, FloatType to) {
  Value bits =
      arith::TruncIOp::create(b, loc, b.getIntegerType(to.getWidth()), code);
  return arith::BitcastOp::create(b, loc, to, bits);
}

Value extendE8M0(Bits &k, Value code) {
  // 2^(code - 127); code 0 is 2^-127, an f32 subnormal; 0xFF is NaN.
  Value value = k.select(k.eq(code, 0), k.toFloat(k.i32(0x00400000)),
                         k.toFloat(k.shl(code, 23)));
  return k.select(k.eq(code, 0xFF), k.f32(std::nanf("")), value);
}

Value truncateToE8M0(Bits &k, Value x, bool saturate) {
  // The f32 exponent, rounded up when any fraction bit is set; the sign is
  // dropped. Saturation keeps the largest exponent from rounding into NaN.
  Value bits = k.toBits(x);
  Value exponent = k.bitAnd(k.shr(bits, 23), 0xFF);
  Value hasFraction = k.ugt(k.bitAnd(bits, 0x7FFFFF), 0);
  if (saturate)
    hasFraction = arith::AndIOp::create(
        k.b, k.loc, hasFraction,
        arith::CmpIOp::create(k.b, k.loc, arith::CmpIPredicate::ne, exponent,
                              k.i32(0xFE)));
  Value rounded =
      k.add(exponent,
            arith::ExtUIOp::create(k.b, k.loc, k.b.getI32Type(), hasFraction));
  return k.select(k.eq(exponent, 0xFF), k.i32(0xFF), rounded);
}

} // namespace

bool kiln::isMiniFloat(Type type) {
  return isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
             Float8E5M2FNUZType, Float8E8M0FNUType, Float4E2M1FNType>(type);
}

Value kiln::extendMiniFloat(OpBuilder &b, Location loc, Value x) {
  auto type = cast<FloatType>(x.getType());
  Bits k{b, loc};
  Value code = codeOf(b, loc, x);
  if (isa<Float8E8M0FNUType>(type))
    return extendE8M0(k, code);
  Format f = describe(type);
  unsigned m = f.mantissaBits;
  Value sign = k.shl(k.shr(code, f.width - 1), 31);
  Value magnitude = k.bitAnd(code, (1 << (f.width - 1)) - 1);
  Value exponentField = k.shr(magnitude, m);
  Value mantissa = k.bitAnd(magnitude, (1 << m) - 1);
  // Normal: the f32 with the same mantissa bits and the rebased exponent.
  Value normal = k.toFloat(
      k.bitOr(k.shl(k.add(exponentField, k.i32(f.minExponent - 1 + 127)), 23),
              k.shl(mantissa, 23 - m)));
  // Subnormal: m * 2^(emin - M), exact in f32.
  Value subnormal = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), mantissa),
      k.pow2(k.i32(f.minExponent - static_cast<int>(m))));
  Value value = k.select(k.eq(exponentField, 0), subnormal, normal);
  if (f.infCode >= 0)
    value = k.select(k.eq(magnitude, f.infCode),
                     k.f32(std::numeric_limits<float>::infinity()), value);
  value = k.toFloat(k.bitOr(k.toBits(value), sign));
  Value nan = k.f32(std::nanf(""));
  if (f.lowestNaNCode >= 0)
    value = k.select(k.uge(magnitude, f.lowestNaNCode), nan, value);
  if (f.negativeZeroIsNaN)
    value = k.select(k.eq(code, 1 << (f.width - 1)), nan, value);
  return value;
}

Value kiln::truncateToMiniFloat(OpBuilder &b, Location loc, Value x,
                                FloatType to, bool saturate) {
  Bits k{b, loc};
  if (isa<Float8E8M0FNUType>(to))
    return fromCode(b, loc, truncateToE8M0(k, x, saturate), to);
  Format f = describe(to);
  int m = static_cast<int>(f.mantissaBits);
  bool hasNaN = f.quietNaNCode >= 0;
  if (f.infCode < 0 && !hasNaN)
    saturate = true; // Nothing else to map an overflow to.

  Value bits = k.toBits(x);
  Value sign = k.shr(bits, 31);
  Value magnitude = k.toFloat(k.bitAnd(bits, 0x7FFFFFFF));
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                      magnitude, magnitude);
  if (saturate) // minnum: a NaN becomes the bound, and is replaced below.
    magnitude = arith::MinNumFOp::create(b, loc, magnitude, k.f32(f.largest));
  // The quantum: 2^(max(e, emin) - M) for the magnitude's exponent e. The
  // magnitude in quanta, rounded to even, is the code's low bits; the
  // binade adds (max(e, emin) - emin) << M. A rounding that carries into
  // the next binade gives that binade's first code by the same formula.
  Value exponent =
      k.add(k.bitAnd(k.shr(k.toBits(magnitude), 23), 0xFF), k.i32(-127));
  Value clampedExponent =
      arith::MaxSIOp::create(b, loc, exponent, k.i32(f.minExponent));
  Value quantumExponent = k.add(clampedExponent, k.i32(-m));
  Value inQuanta = math::RoundEvenOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc, magnitude,
          k.pow2(arith::SubIOp::create(b, loc, k.i32(0), quantumExponent))));
  // Beyond 2^(M+1) quanta the value overflows whatever the binade; the
  // bound keeps the conversion defined for infinities.
  inQuanta = arith::MinNumFOp::create(b, loc, inQuanta,
                                      k.f32(static_cast<float>(2 << m)));
  Value code = k.add(k.shl(k.add(clampedExponent, k.i32(-f.minExponent)), m),
                     arith::FPToSIOp::create(b, loc, b.getI32Type(), inQuanta));
  // Overflow (only without saturation): infinity, else NaN.
  Value overflow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                         code, k.i32(f.largestCode));
  int64_t overflowCode = f.infCode >= 0 ? f.infCode : f.quietNaNCode;
  if (overflowCode >= 0)
    code = k.select(overflow, k.i32(overflowCode), code);
  Value signBit = k.shl(sign, f.width - 1);
  Value negativeZero = k.i32(int64_t{1} << (f.width - 1));
  if (f.negativeZeroIsNaN) {
    // No negative zero: zero stays positive, NaN is the negative zero code.
    Value isZero = k.eq(code, 0);
    Value isNaNCode = k.eq(code, f.quietNaNCode);
    code = k.select(arith::OrIOp::create(b, loc, isZero, isNaNCode), code,
                    k.bitOr(code, signBit));
  } else {
    code = k.bitOr(code, signBit);
  }
  Value nanCode =
      !hasNaN ? negativeZero
              : (f.negativeZeroIsNaN ? k.i32(f.quietNaNCode)
                                     : k.bitOr(k.i32(f.quietNaNCode), signBit));
  code = k.select(isNaN, nanCode, code);
  return fromCode(b, loc, code, to);
}
