//===- ImportElementwise.cpp - elementwise ONNX ops -----------------------===//

#include "GraphImporter.h"

using namespace mlir;

namespace kiln::onnx_import {
namespace {

/// Unary ops without attributes.
template <typename OpTy> LogicalResult importUnary(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = n.create1<OpTy>(*x);
  return n.setResult(y);
}

/// Before opset 7, binary ops broadcast only with `broadcast = 1`, aligning
/// the second operand at `axis` instead of at the trailing dimensions.
/// Rewrites that form into numpy broadcasting by appending unit dimensions.
FailureOr<Value> legacyBroadcastOperand(NodeImporter &n, Value lhs, Value rhs) {
  if (n.opset >= 7 || !n.getInt("broadcast", 0) || !n.hasAttr("axis"))
    return rhs;
  int64_t lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
  int64_t rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
  FailureOr<int64_t> axis = n.normalizeAxis(n.getInt("axis", 0), lhsRank);
  if (failed(axis))
    return failure();
  int64_t trailing = lhsRank - *axis - rhsRank;
  if (trailing <= 0)
    return rhs;
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < trailing; ++i)
    axes.push_back(rhsRank + i);
  return n.create1<UnsqueezeOp>(rhs, Value(), n.i64ArrayAttr(axes));
}

template <typename OpTy, typename... Attrs>
LogicalResult importBinary(NodeImporter &n, Attrs... attrs) {
  FailureOr<Value> lhs = n.requiredInput(0), rhs = n.requiredInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> right = legacyBroadcastOperand(n, *lhs, *rhs);
  if (failed(right))
    return failure();
  FailureOr<Value> y = n.create1<OpTy>(*lhs, *right, attrs...);
  return n.setResult(y);
}

/// Max, Min, Sum: a left fold of the binary op over every input.
template <typename OpTy> FailureOr<Value> foldVariadic(NodeImporter &n) {
  FailureOr<Value> acc = n.requiredInput(0);
  for (int64_t i = 1; i < n.numInputs() && succeeded(acc); ++i) {
    FailureOr<Value> next = n.requiredInput(i);
    if (failed(next))
      return failure();
    acc = n.create1<OpTy>(*acc, *next);
  }
  return acc;
}

template <typename OpTy> LogicalResult importVariadic(NodeImporter &n) {
  FailureOr<Value> y = foldVariadic<OpTy>(n);
  return n.setResult(y);
}

LogicalResult importMean(NodeImporter &n) {
  FailureOr<Value> sum = foldVariadic<AddOp>(n);
  if (failed(sum))
    return failure();
  Type element = cast<RankedTensorType>(sum->getType()).getElementType();
  FailureOr<Value> y = n.create1<DivOp>(*sum, n.scalar(element, n.numInputs()));
  return n.setResult(y);
}

/// The lowest or highest value of `element` as a 0-d constant (Clip's
/// absent bounds).
Value typeBound(NodeImporter &n, Type element, bool highest) {
  auto type = RankedTensorType::get({}, element);
  if (auto f = dyn_cast<FloatType>(element))
    return ConstantOp::create(
        n.b, n.loc,
        DenseElementsAttr::get(
            type, APFloat::getInf(f.getFloatSemantics(), !highest)));
  auto i = cast<IntegerType>(element);
  APInt v = i.isUnsigned() ? (highest ? APInt::getMaxValue(i.getWidth())
                                      : APInt::getMinValue(i.getWidth()))
                           : (highest ? APInt::getSignedMaxValue(i.getWidth())
                                      : APInt::getSignedMinValue(i.getWidth()));
  return ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(type, v));
}

LogicalResult importClip(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Type element = n.inputType(0).getElementType();
  Value min, max;
  if (n.opset < 11) {
    min = n.hasAttr("min") ? n.scalar(element, n.getFloat("min", 0))
                           : typeBound(n, element, false);
    max = n.hasAttr("max") ? n.scalar(element, n.getFloat("max", 0))
                           : typeBound(n, element, true);
  } else {
    min = n.input(1) ? n.input(1) : typeBound(n, element, false);
    max = n.input(2) ? n.input(2) : typeBound(n, element, true);
    // Bounds given as 1-element 1-D tensors are accepted by ONNX runtimes.
    for (Value *bound : {&min, &max})
      if (cast<RankedTensorType>(bound->getType()).getRank() != 0) {
        FailureOr<Value> r =
            n.create1<ReshapeOp>(*bound, n.constI64({}), n.boolAttr(false));
        if (failed(r))
          return failure();
        *bound = *r;
      }
  }
  FailureOr<Value> y = n.create1<ClipOp>(*x, min, max);
  return n.setResult(y);
}

LogicalResult castTo(NodeImporter &n, Type element) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  // Opset 24's round_mode picks how a float rounds to float8e8m0; kiln
  // implements the default.
  std::string roundMode = n.getString("round_mode", "up");
  if (isa<Float8E8M0FNUType>(element) && roundMode != "up")
    return n.unsupported("Cast to float8e8m0 with round_mode '" + roundMode +
                         "' (only 'up')");
  RankedTensorType type = n.inputType(0).clone(element);
  FailureOr<SmallVector<Value>> y = n.createWithTypes<CastOp>(
      TypeRange{type}, *x, n.boolAttr(n.getInt("saturate", 1) != 0));
  if (failed(y))
    return failure();
  n.setOutput(0, y->front());
  return success();
}

LogicalResult importCast(NodeImporter &n) {
  const onnx::AttributeProto *to = n.attr("to");
  if (!to)
    return n.fail("attribute 'to' is required");
  int64_t dataType = to->i();
  if (to->type() == onnx::AttributeProto::STRING) {
    // Opset 1 names the type as a string.
    static const llvm::StringMap<int64_t> names = {
        {"FLOAT", 1},    {"UINT8", 2},   {"INT8", 3},    {"UINT16", 4},
        {"INT16", 5},    {"INT32", 6},   {"INT64", 7},   {"BOOL", 9},
        {"FLOAT16", 10}, {"DOUBLE", 11}, {"UINT32", 12}, {"UINT64", 13}};
    auto it = names.find(to->s());
    if (it == names.end())
      return n.fail("unknown cast target '" + to->s() + "'");
    dataType = it->second;
  }
  std::string error;
  FailureOr<Type> element =
      convertElementType(dataType, *n.b.getContext(), error);
  if (failed(element))
    return n.fail(error);
  return castTo(n, *element);
}

LogicalResult importCastLike(NodeImporter &n) {
  if (!n.input(1))
    return n.fail("input 1 is required");
  return castTo(n, n.inputType(1).getElementType());
}

LogicalResult importDropout(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  float ratio = n.getFloat("ratio", 0.5f);
  if (n.opset >= 12) {
    if (Value training = n.input(2)) {
      std::optional<SmallVector<int64_t>> mode = n.constInts(training);
      if (!mode || (!mode->empty() && (*mode)[0] != 0))
        return n.unsupported("training-mode dropout");
    }
    if (Value r = n.input(1))
      if (auto v = n.constFloats(r); v && !v->empty())
        ratio = (*v)[0];
  }
  FailureOr<Value> y = n.create1<DropoutOp>(*x, n.f32Attr(ratio));
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  if (n.hasOutput(1)) {
    // In inference the mask keeps every element.
    auto shape = n.create1<ShapeOp>(*x, n.i64Attr(0),
                                    n.i64Attr(n.inputType(0).getRank()));
    if (failed(shape))
      return failure();
    auto boolType = RankedTensorType::get({}, n.b.getI1Type());
    auto mask = n.create1<ConstantOfShapeOp>(
        *shape, DenseElementsAttr::get(boolType, true));
    if (failed(mask))
      return failure();
    n.setOutput(1, *mask);
  }
  return success();
}

LogicalResult importWhere(NodeImporter &n) {
  FailureOr<Value> c = n.requiredInput(0), x = n.requiredInput(1),
                   y = n.requiredInput(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  FailureOr<Value> r = n.create1<WhereOp>(*c, *x, *y);
  return n.setResult(r);
}

/// Before opset 7, PRelu's slope broadcasts from the channel dimension
/// (dimension 1) of x; it becomes [C, 1, ..., 1] so numpy rules apply.
LogicalResult importPRelu(NodeImporter &n) {
  if (n.opset >= 7)
    return importBinary<PReluOp>(n);
  FailureOr<Value> x = n.requiredInput(0), slope = n.requiredInput(1);
  if (failed(x) || failed(slope))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  if (n.inputType(1).getRank() == 1 && rank > 2) {
    SmallVector<int64_t> axes;
    for (int64_t i = 1; i < rank - 1; ++i)
      axes.push_back(i);
    slope = n.create1<UnsqueezeOp>(*slope, Value(), n.i64ArrayAttr(axes));
    if (failed(slope))
      return failure();
  }
  FailureOr<Value> y = n.create1<PReluOp>(*x, *slope);
  return n.setResult(y);
}

/// A zero point of `element` shaped like `scale` (ONNX's absent zero point).
Value zeroLike(NodeImporter &n, Value scale, Type element) {
  auto shape = cast<RankedTensorType>(scale.getType()).getShape();
  auto type = RankedTensorType::get(shape, element);
  Attribute zero = isa<FloatType>(element)
                       ? Attribute(n.b.getFloatAttr(element, 0.0))
                       : Attribute(n.b.getIntegerAttr(element, 0));
  return ConstantOp::create(n.b, n.loc, DenseElementsAttr::get(type, zero));
}

template <bool quantize>
LogicalResult importLinearQuantization(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0), scale = n.requiredInput(1);
  if (failed(x) || failed(scale))
    return failure();
  Value zeroPoint = n.input(2);
  if (!zeroPoint) {
    Type element = n.inputType(0).getElementType();
    if (quantize) {
      element = n.b.getIntegerType(8, /*isSigned=*/false);
      if (int64_t dtype = n.getInt("output_dtype", 0)) {
        std::string error;
        FailureOr<Type> t = convertElementType(dtype, *n.b.getContext(), error);
        if (failed(t))
          return n.fail(error);
        element = *t;
      }
    }
    zeroPoint = zeroLike(n, *scale, element);
  }
  int64_t rank = n.inputType(0).getRank();
  int64_t axis = n.getInt("axis", 1);
  auto scaleType = cast<RankedTensorType>(scale->getType());
  bool perTensor = scaleType.getRank() == 0 ||
                   (scaleType.getRank() == 1 && scaleType.getDimSize(0) == 1);
  if (perTensor) {
    axis = 0; // unused
  } else if (rank > 0) {
    FailureOr<int64_t> normalized = n.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
  } else {
    axis = 0;
  }
  IntegerAttr blockSize = n.i64Attr(n.getInt("block_size", 0));
  FailureOr<Value> y =
      quantize ? n.create1<QuantizeLinearOp>(
                     *x, *scale, zeroPoint, n.i64Attr(axis), blockSize,
                     n.boolAttr(n.getInt("saturate", 1) != 0))
               : n.create1<DequantizeLinearOp>(*x, *scale, zeroPoint,
                                               n.i64Attr(axis), blockSize);
  return n.setResult(y);
}

/// DynamicQuantizeLinear: uint8 quantization with a scale and zero point
/// computed from the input's range (which always includes 0).
LogicalResult importDynamicQuantizeLinear(NodeImporter &n) {
  FailureOr<Value> x = n.requiredInput(0);
  if (failed(x))
    return failure();
  Type f32 = n.inputType(0).getElementType();
  auto all = n.i64ArrayAttr({});
  auto reduceTo = [&](auto tag, Value v) {
    return n.create1<decltype(tag)>(v, Value(), all, n.boolAttr(false));
  };
  FailureOr<Value> lo = reduceTo(ReduceMinOp(), *x),
                   hi = reduceTo(ReduceMaxOp(), *x);
  if (failed(lo) || failed(hi))
    return failure();
  Value zero = n.scalar(f32, 0.0);
  lo = n.create1<MinOp>(*lo, zero);
  hi = n.create1<MaxOp>(*hi, zero);
  if (failed(lo) || failed(hi))
    return failure();
  FailureOr<Value> range = n.create1<SubOp>(*hi, *lo);
  FailureOr<Value> scale =
      failed(range) ? range : n.create1<DivOp>(*range, n.scalar(f32, 255.0));
  FailureOr<Value> negLo = failed(scale) ? scale : n.create1<NegOp>(*lo);
  FailureOr<Value> ratio =
      failed(negLo) ? negLo : n.create1<DivOp>(*negLo, *scale);
  FailureOr<Value> rounded = failed(ratio) ? ratio : n.create1<RoundOp>(*ratio);
  FailureOr<Value> clipped =
      failed(rounded) ? rounded
                      : n.create1<ClipOp>(*rounded, zero, n.scalar(f32, 255.0));
  if (failed(clipped))
    return failure();
  Type u8 = n.b.getIntegerType(8, /*isSigned=*/false);
  FailureOr<SmallVector<Value>> zeroPoint = n.createWithTypes<CastOp>(
      TypeRange{RankedTensorType::get({}, u8)}, *clipped, n.boolAttr(true));
  if (failed(zeroPoint))
    return failure();
  FailureOr<Value> y =
      n.create1<QuantizeLinearOp>(*x, *scale, zeroPoint->front(), n.i64Attr(0),
                                  n.i64Attr(0), n.boolAttr(true));
  if (failed(y))
    return failure();
  return n.setOutputs({*y, *scale, zeroPoint->front()});
}

template <typename OpTy> OpHandler unary() { return importUnary<OpTy>; }
template <typename OpTy> OpHandler binary() {
  return [](NodeImporter &n) { return importBinary<OpTy>(n); };
}

} // namespace

void registerElementwiseHandlers(OpRegistry &r) {
  r.add("Abs", 1, unary<AbsOp>());
  r.add("Neg", 1, unary<NegOp>());
  r.add("Reciprocal", 1, unary<ReciprocalOp>());
  r.add("Floor", 1, unary<FloorOp>());
  r.add("Ceil", 1, unary<CeilOp>());
  r.add("Round", 11, unary<RoundOp>());
  r.add("Sign", 9, unary<SignOp>());
  r.add("Sqrt", 1, unary<SqrtOp>());
  r.add("Exp", 1, unary<ExpOp>());
  r.add("Log", 1, unary<LogOp>());
  r.add("Erf", 9, unary<ErfOp>());
  r.add("Sin", 7, unary<SinOp>());
  r.add("Cos", 7, unary<CosOp>());
  r.add("Tan", 7, unary<TanOp>());
  r.add("Asin", 7, unary<AsinOp>());
  r.add("Acos", 7, unary<AcosOp>());
  r.add("Atan", 7, unary<AtanOp>());
  r.add("Sinh", 9, unary<SinhOp>());
  r.add("Cosh", 9, unary<CoshOp>());
  r.add("Tanh", 1, unary<TanhOp>());
  r.add("Asinh", 9, unary<AsinhOp>());
  r.add("Acosh", 9, unary<AcoshOp>());
  r.add("Atanh", 9, unary<AtanhOp>());
  r.add("Relu", 1, unary<ReluOp>());
  r.add("Sigmoid", 1, unary<SigmoidOp>());
  r.add("Softplus", 1, unary<SoftplusOp>());
  r.add("Softsign", 1, unary<SoftsignOp>());
  r.add("Mish", 18, unary<MishOp>());
  r.add("HardSwish", 14, unary<HardSwishOp>());
  r.add("Not", 1, unary<NotOp>());
  r.add("BitwiseNot", 18, unary<BitwiseNotOp>());
  r.add("Identity", 1, unary<IdentityOp>());
  r.add("IsNaN", 9, unary<IsNaNOp>());
  r.add("IsInf", 10, [](NodeImporter &n) -> LogicalResult {
    FailureOr<Value> x = n.requiredInput(0);
    if (failed(x))
      return failure();
    FailureOr<Value> y =
        n.create1<IsInfOp>(*x, n.boolAttr(n.getInt("detect_negative", 1)),
                           n.boolAttr(n.getInt("detect_positive", 1)));
    if (failed(y))
      return failure();
    n.setOutput(0, *y);
    return success();
  });

  auto withAttrs = [](auto build) -> OpHandler {
    return [build](NodeImporter &n) -> LogicalResult {
      FailureOr<Value> x = n.requiredInput(0);
      if (failed(x))
        return failure();
      FailureOr<Value> y = build(n, *x);
      if (failed(y))
        return failure();
      n.setOutput(0, *y);
      return success();
    };
  };
  r.add("LeakyRelu", 1, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<LeakyReluOp>(x,
                                        n.f32Attr(n.getFloat("alpha", 0.01f)));
        }));
  r.add("Elu", 1, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<EluOp>(x, n.f32Attr(n.getFloat("alpha", 1.0f)));
        }));
  r.add("Selu", 1, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<SeluOp>(
              x, n.f32Attr(n.getFloat("alpha", 1.67326319217681884765625f)),
              n.f32Attr(n.getFloat("gamma", 1.05070102214813232421875f)));
        }));
  r.add("Celu", 12, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<CeluOp>(x, n.f32Attr(n.getFloat("alpha", 1.0f)));
        }));
  r.add("HardSigmoid", 1, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<HardSigmoidOp>(x,
                                          n.f32Attr(n.getFloat("alpha", 0.2f)),
                                          n.f32Attr(n.getFloat("beta", 0.5f)));
        }));
  r.add("ThresholdedRelu", 10, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<ThresholdedReluOp>(
              x, n.f32Attr(n.getFloat("alpha", 1.0f)));
        }));
  r.add("Shrink", 9, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<ShrinkOp>(x, n.f32Attr(n.getFloat("bias", 0.0f)),
                                     n.f32Attr(n.getFloat("lambd", 0.5f)));
        }));
  r.add("Swish", 24, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<SwishOp>(x, n.f32Attr(n.getFloat("alpha", 1.0f)));
        }));
  r.add("Gelu", 20, withAttrs([](NodeImporter &n, Value x) {
          return n.create1<GeluOp>(
              x, n.boolAttr(n.getString("approximate", "none") == "tanh"));
        }));

  r.add("Add", 1, binary<AddOp>());
  r.add("Sub", 1, binary<SubOp>());
  r.add("Mul", 1, binary<MulOp>());
  r.add("Div", 1, binary<DivOp>());
  r.add("Pow", 1, binary<PowOp>());
  r.add("PRelu", 1, importPRelu);
  r.add("And", 1, binary<AndOp>());
  r.add("Or", 1, binary<OrOp>());
  r.add("Xor", 1, binary<XorOp>());
  r.add("BitwiseAnd", 18, binary<BitwiseAndOp>());
  r.add("BitwiseOr", 18, binary<BitwiseOrOp>());
  r.add("BitwiseXor", 18, binary<BitwiseXorOp>());
  r.add("Equal", 1, binary<EqualOp>());
  r.add("Less", 1, binary<LessOp>());
  r.add("LessOrEqual", 12, binary<LessEqualOp>());
  r.add("Greater", 1, binary<GreaterOp>());
  r.add("GreaterOrEqual", 12, binary<GreaterEqualOp>());
  r.add("Mod", 10, [](NodeImporter &n) {
    return importBinary<ModOp>(n, n.boolAttr(n.getInt("fmod", 0) != 0));
  });
  r.add("BitShift", 11, [](NodeImporter &n) {
    return importBinary<BitShiftOp>(
        n, n.boolAttr(n.getString("direction", "") == "LEFT"));
  });
  r.add("Max", 1, importVariadic<MaxOp>);
  r.add("Min", 1, importVariadic<MinOp>);
  r.add("Sum", 1, importVariadic<AddOp>);
  r.add("Mean", 1, importMean);
  r.add("Where", 9, importWhere);
  r.add("Clip", 1, importClip);
  r.add("Cast", 1, importCast);
  r.add("CastLike", 15, importCastLike);
  r.add("Dropout", 1, importDropout);
  r.add("QuantizeLinear", 10, importLinearQuantization<true>);
  r.add("DynamicQuantizeLinear", 11, importDynamicQuantizeLinear);
  r.add("DequantizeLinear", 10, importLinearQuantization<false>);
}

} // namespace kiln::onnx_import
