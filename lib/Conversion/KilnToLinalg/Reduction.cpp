//===- Reduction.cpp - reductions and the softmax family to linalg --------===//
//
// kiln.reduce_* become one reducing linalg.generic (with the element
// transform of L1/L2/sum-square/log-sum-exp folded into its body) followed,
// where needed, by an elementwise finish (mean's division, L2's sqrt, the
// logs) and a tensor.expand_shape for keepdims; log-sum-exp reduces the
// maximum first and sums exp(x - max). Arg-reductions carry the best value
// and its index through one generic with two results. Softmax is
// linalg.softmax; log-softmax is max, sum of exp(x - max), and
// x - max - log(sum); hardmax compares each index with the argmax.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace kiln;

namespace {

enum class Combine { Add, Mul, Max, Min };
enum class Pre { None, Abs, Square, Exp };
enum class Post { None, Mean, Sqrt, Log };

Value combine(OpBuilder &b, Location loc, Combine kind, Value x, Value acc) {
  bool f = isa<FloatType>(x.getType());
  switch (kind) {
  case Combine::Add:
    return f ? arith::AddFOp::create(b, loc, x, acc).getResult()
             : arith::AddIOp::create(b, loc, x, acc).getResult();
  case Combine::Mul:
    return f ? arith::MulFOp::create(b, loc, x, acc).getResult()
             : arith::MulIOp::create(b, loc, x, acc).getResult();
  case Combine::Max:
    if (x.getType().isInteger(1))
      return arith::OrIOp::create(b, loc, x, acc);
    return f ? arith::MaximumFOp::create(b, loc, x, acc).getResult()
             : arith::MaxSIOp::create(b, loc, x, acc).getResult();
  case Combine::Min:
    if (x.getType().isInteger(1))
      return arith::AndIOp::create(b, loc, x, acc);
    return f ? arith::MinimumFOp::create(b, loc, x, acc).getResult()
             : arith::MinSIOp::create(b, loc, x, acc).getResult();
  }
  llvm_unreachable("unknown combine");
}

Value initValue(OpBuilder &b, Location loc, Combine kind, Type type) {
  switch (kind) {
  case Combine::Add:
    return createScalar(b, loc, type, 0);
  case Combine::Mul:
    return createScalar(b, loc, type, 1);
  case Combine::Max:
    return createLowest(b, loc, type);
  case Combine::Min:
    if (auto f = dyn_cast<FloatType>(type))
      return arith::ConstantOp::create(
          b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics())));
    // The highest boolean is true (the signed maximum of i1 is false).
    unsigned width = type.getIntOrFloatBitWidth();
    return arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(type, width == 1 ? APInt(1, 1)
                                          : APInt::getSignedMaxValue(width)));
  }
  llvm_unreachable("unknown combine");
}

/// The sizes of `value`'s dynamic dimensions, for a tensor.empty of its
/// shape.
SmallVector<Value> getDynamicSizes(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, value, d));
  return sizes;
}

/// One parallel linalg.generic over `operands`, which all have the first
/// one's shape, yielding `body` of their elements into a tensor of that shape
/// and `elem` (the first operand's element type by default). Unlike
/// buildBroadcastingGeneric it cannot fail, so it may follow other rewrites.
Value mapElementwise(OpBuilder &b, Location loc, ValueRange operands,
                     ScalarBuilder body, Type elem = {}) {
  auto type = cast<RankedTensorType>(operands[0].getType());
  if (elem)
    type = type.clone(elem);
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext());
  SmallVector<AffineMap> maps(operands.size() + 1, identity);
  Value init = createEmpty(b, loc, type, getDynamicSizes(b, loc, operands[0]));
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, operands, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

/// The map from `rank` loops to the result of a reduction over `axes` (the
/// reduced loops dropped), and the loops' iterator types.
std::pair<AffineMap, SmallVector<utils::IteratorType>>
getReductionMap(int64_t rank, ArrayRef<int64_t> axes, MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced)
      exprs.push_back(getAffineDimExpr(d, ctx));
  }
  return {AffineMap::get(rank, 0, exprs, ctx), iterators};
}

/// log(sum(exp(x))) over `axes`, computed as m + log(sum(exp(x - m))) with
/// m the maximum so that large inputs do not overflow. An infinite maximum
/// (all -inf, or nothing to reduce) shifts by 0 instead of producing NaN.
Value buildLogSumExp(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(x.getType());
  auto elem = cast<FloatType>(type.getElementType());
  Value max = buildReduction(
      b, loc, x, axes, createLowest(b, loc, elem),
      [](OpBuilder &nb, Location l, Value v, Value acc) -> Value {
        return arith::MaximumFOp::create(nb, l, v, acc);
      });
  Value shift = mapElementwise(
      b, loc, {max}, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value inf = arith::ConstantOp::create(
            nb, l,
            nb.getFloatAttr(elem, APFloat::getInf(elem.getFloatSemantics())));
        Value infinite =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                  math::AbsFOp::create(nb, l, a[0]), inf);
        return arith::SelectOp::create(nb, l, infinite,
                                       createScalar(nb, l, elem, 0), a[0]);
      });
  auto [reducedMap, iterators] =
      getReductionMap(type.getRank(), axes, b.getContext());
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext());
  Value zeros =
      createFilled(b, loc, cast<RankedTensorType>(max.getType()),
                   createScalar(b, loc, elem, 0), getDynamicSizes(b, loc, max));
  Value sum =
      linalg::GenericOp::create(
          b, loc, TypeRange{zeros.getType()}, ValueRange{x, shift},
          ValueRange{zeros},
          ArrayRef<AffineMap>{identity, reducedMap, reducedMap}, iterators,
          [](OpBuilder &nb, Location l, ValueRange a) {
            Value e = math::ExpOp::create(
                nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
            linalg::YieldOp::create(
                nb, l, ValueRange{arith::AddFOp::create(nb, l, e, a[2])});
          })
          .getResult(0);
  return mapElementwise(
      b, loc, {sum, shift}, [](OpBuilder &nb, Location l, ValueRange a) {
        return arith::AddFOp::create(nb, l, math::LogOp::create(nb, l, a[0]),
                                     a[1])
            .getResult();
      });
}

/// Nested scf.for loops over `bounds` (index values) carrying `init`;
/// `body` gets the induction variables and the carried values and returns
/// the new ones.
using LoopBody = llvm::function_ref<SmallVector<Value>(
    OpBuilder &, Location, ValueRange ivs, ValueRange carried)>;
SmallVector<Value> buildLoopNest(OpBuilder &b, Location loc,
                                 ArrayRef<Value> bounds, ValueRange init,
                                 LoopBody body) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> ivs;
  std::function<SmallVector<Value>(OpBuilder &, unsigned, ValueRange)> nest =
      [&](OpBuilder &nb, unsigned depth, ValueRange carried) {
        if (depth == bounds.size())
          return body(nb, loc, ivs, carried);
        auto loop = scf::ForOp::create(
            nb, loc, zero, bounds[depth], one, carried,
            [&](OpBuilder &lb, Location, Value iv, ValueRange args) {
              ivs.push_back(iv);
              SmallVector<Value> next = nest(lb, depth + 1, args);
              ivs.pop_back();
              scf::YieldOp::create(lb, loc, next);
            });
        return SmallVector<Value>(loop.getResults());
      };
  return nest(b, 0, init);
}

/// A reduction whose axes are a run-time 1-D tensor (ONNX's meaning:
/// negative axes count from the end; an empty tensor reduces everything).
/// Which loops reduce is data, so it cannot be a linalg iterator type: the
/// result (with keepdims, dimension j is 1 where j is reduced and the
/// input's otherwise) is computed by scalar loops over the result and, for
/// each result element, over the reduced extents. The sizes are index
/// arithmetic on the axes' values, which the CPU target computes before a
/// run. Without keepdims the result is the same elements reshaped.
template <Combine kind, Pre pre, Post post>
FailureOr<Value>
buildDynamicAxesReduction(OpBuilder &b, Location loc, Value input, Value axes,
                          RankedTensorType resultType, bool keepdims) {
  auto type = cast<RankedTensorType>(input.getType());
  auto axesType = cast<RankedTensorType>(axes.getType());
  Type elem = type.getElementType();
  int64_t rank = type.getRank();
  if (axesType.getRank() != 1 || axesType.isDynamicDim(0))
    return failure();
  int64_t numAxes = axesType.getDimSize(0);
  Type indexType = b.getIndexType();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value rankValue = arith::ConstantIndexOp::create(b, loc, rank);

  // reduced[j]: some axis, taken modulo the rank, is j (every j when the
  // axes are empty).
  // An axis outside [-rank, rank) makes every result size -1, which the
  // runtime reports before running anything.
  SmallVector<Value> axisValues;
  Value valid = arith::ConstantIntOp::create(b, loc, 1, 1);
  Value minusRank = arith::ConstantIndexOp::create(b, loc, -rank);
  for (int64_t i = 0; i < numAxes; ++i) {
    Value a = tensor::ExtractOp::create(
        b, loc, axes, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
    a = arith::IndexCastOp::create(b, loc, indexType, a);
    valid = arith::AndIOp::create(
        b, loc, valid,
        arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, a,
                                  minusRank),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a,
                                  rankValue)));
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a, zero);
    axisValues.push_back(arith::SelectOp::create(
        b, loc, negative, arith::AddIOp::create(b, loc, a, rankValue), a));
  }
  SmallVector<Value> reduced, outDims, extents, inDims;
  Value trueValue = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (int64_t j = 0; j < rank; ++j) {
    Value hit =
        numAxes == 0 ? trueValue : arith::ConstantIntOp::create(b, loc, 0, 1);
    Value jValue = arith::ConstantIndexOp::create(b, loc, j);
    for (Value a : axisValues)
      hit = arith::OrIOp::create(
          b, loc, hit,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, jValue));
    Value dim = tensor::DimOp::create(b, loc, input, j);
    reduced.push_back(hit);
    inDims.push_back(dim);
    outDims.push_back(arith::SelectOp::create(b, loc, hit, one, dim));
    extents.push_back(arith::SelectOp::create(b, loc, hit, dim, one));
  }
  // Reduced elements per result element, for the mean.
  Value count = one;
  for (Value e : extents)
    count = arith::MulIOp::create(b, loc, count, e);

  // Without keepdims, result dimension k is the k-th unreduced input
  // dimension: isKth[k][j] says whether that is j. The elements keep their
  // row-major order, so result element o (in kept coordinates) goes to the
  // kept coordinates of the unreduced dimensions.
  int64_t resultRank = resultType.getRank();
  SmallVector<SmallVector<Value>> isKth(resultRank);
  SmallVector<Value> resultDims;
  if (keepdims) {
    resultDims = outDims;
  } else {
    for (int64_t k = 0; k < resultRank; ++k) {
      Value kValue = arith::ConstantIndexOp::create(b, loc, k);
      Value dim = zero, seen = zero;
      for (int64_t j = 0; j < rank; ++j) {
        Value hit = arith::AndIOp::create(
            b, loc, arith::XOrIOp::create(b, loc, reduced[j], trueValue),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, seen,
                                  kValue));
        isKth[k].push_back(hit);
        dim = arith::SelectOp::create(b, loc, hit, inDims[j], dim);
        seen = arith::AddIOp::create(
            b, loc, seen,
            arith::SelectOp::create(b, loc, reduced[j], zero, one));
      }
      resultDims.push_back(dim);
    }
  }
  Value minusOne = arith::ConstantIndexOp::create(b, loc, -1);
  for (Value &dim : resultDims)
    dim = arith::SelectOp::create(b, loc, valid, dim, minusOne);
  auto dynamicType = RankedTensorType::get(
      SmallVector<int64_t>(resultRank, ShapedType::kDynamic), elem);
  Value init =
      tensor::EmptyOp::create(b, loc, dynamicType.getShape(), elem, resultDims);
  auto reduceGroup = [&](OpBuilder &nb, Location l, ValueRange o, Value initAcc,
                         auto step) {
    return buildLoopNest(
               nb, l, extents, ValueRange{initAcc},
               [&](OpBuilder &ib, Location il, ValueRange k,
                   ValueRange acc) -> SmallVector<Value> {
                 SmallVector<Value> index;
                 for (int64_t j = 0; j < rank; ++j)
                   index.push_back(arith::AddIOp::create(ib, il, o[j], k[j]));
                 Value x = tensor::ExtractOp::create(ib, il, input, index);
                 return {step(ib, il, x, acc[0])};
               })
        .front();
  };
  Value result =
      buildLoopNest(
          b, loc, outDims, ValueRange{init},
          [&](OpBuilder &nb, Location l, ValueRange o,
              ValueRange carried) -> SmallVector<Value> {
            Value value;
            if constexpr (pre == Pre::Exp) {
              // log(sum(exp(x - m))) + m with m the maximum (0 when
              // infinite), as the static lowering computes it.
              Value max = reduceGroup(
                  nb, l, o, createLowest(nb, l, elem),
                  [](OpBuilder &ib, Location il, Value x, Value acc) {
                    return arith::MaximumFOp::create(ib, il, x, acc)
                        .getResult();
                  });
              Value inf = arith::ConstantOp::create(
                  nb, l,
                  nb.getFloatAttr(
                      elem, APFloat::getInf(
                                cast<FloatType>(elem).getFloatSemantics())));
              Value infinite =
                  arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ,
                                        math::AbsFOp::create(nb, l, max), inf);
              Value shift = arith::SelectOp::create(
                  nb, l, infinite, createScalar(nb, l, elem, 0), max);
              Value sum = reduceGroup(
                  nb, l, o, createScalar(nb, l, elem, 0),
                  [&](OpBuilder &ib, Location il, Value x, Value acc) {
                    Value e = math::ExpOp::create(
                        ib, il, arith::SubFOp::create(ib, il, x, shift));
                    return arith::AddFOp::create(ib, il, e, acc).getResult();
                  });
              value = arith::AddFOp::create(
                  nb, l, math::LogOp::create(nb, l, sum), shift);
            } else {
              value = reduceGroup(
                  nb, l, o, initValue(nb, l, kind, elem),
                  [](OpBuilder &ib, Location il, Value x, Value acc) {
                    if (pre == Pre::Abs)
                      x = math::AbsFOp::create(ib, il, x);
                    else if (pre == Pre::Square)
                      x = arith::MulFOp::create(ib, il, x, x);
                    return combine(ib, il, kind, x, acc);
                  });
              if (post == Post::Mean) {
                Value n = arith::UIToFPOp::create(
                    nb, l, elem,
                    arith::IndexCastOp::create(nb, l, nb.getI64Type(), count));
                value = arith::DivFOp::create(nb, l, value, n);
              } else if (post == Post::Sqrt) {
                value = math::SqrtOp::create(nb, l, value);
              } else if (post == Post::Log) {
                value = math::LogOp::create(nb, l, value);
              }
            }
            SmallVector<Value> index(o.begin(), o.end());
            if (!keepdims) {
              index.clear();
              for (int64_t k = 0; k < resultRank; ++k) {
                Value position = zero;
                for (int64_t j = 0; j < rank; ++j)
                  position = arith::SelectOp::create(nb, l, isKth[k][j], o[j],
                                                     position);
                index.push_back(position);
              }
            }
            return {tensor::InsertOp::create(nb, l, value, carried[0], index)};
          })
          .front();
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  return result;
}

template <typename OpTy, Combine kind, Pre pre = Pre::None,
          Post post = Post::None>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    bool isFloat = isa<FloatType>(elem);
    if (!isFloat && !elem.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    if (!isFloat && (pre != Pre::None || post != Post::None))
      return rewriter.notifyMatchFailure(op, "needs a float element type");
    if (Value axes = adaptor.getDynamicAxes()) {
      FailureOr<Value> result = buildDynamicAxesReduction<kind, pre, post>(
          rewriter, loc, input, axes, resultType, op.getKeepdims());
      if (failed(result))
        return rewriter.notifyMatchFailure(op,
                                           "run-time axes of unknown count");
      rewriter.replaceOp(op, *result);
      return success();
    }
    if (!op.getAxes())
      return rewriter.notifyMatchFailure(op, "axes are not constant");

    SmallVector<int64_t> axes(*op.getAxes());
    if (axes.empty())
      axes = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    int64_t count = 1;
    for (int64_t axis : axes)
      count = ShapedType::isDynamic(type.getDimSize(axis))
                  ? ShapedType::kDynamic
                  : count * type.getDimSize(axis);
    if (post == Post::Mean && ShapedType::isDynamic(count))
      return rewriter.notifyMatchFailure(op, "mean over a dynamic dimension");

    Value reduced;
    if constexpr (pre == Pre::Exp) {
      reduced = buildLogSumExp(rewriter, loc, input, axes);
    } else {
      reduced = buildReduction(
          rewriter, loc, input, axes, initValue(rewriter, loc, kind, elem),
          [](OpBuilder &b, Location l, Value x, Value acc) {
            if (pre == Pre::Abs)
              x = math::AbsFOp::create(b, l, x);
            else if (pre == Pre::Square)
              x = arith::MulFOp::create(b, l, x, x);
            return combine(b, l, kind, x, acc);
          });
    }
    if constexpr (post != Post::None) {
      reduced =
          mapElementwise(rewriter, loc, {reduced},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           if (post == Post::Mean)
                             return arith::DivFOp::create(
                                 b, l, a[0], createScalar(b, l, elem, count));
                           if (post == Post::Sqrt)
                             return math::SqrtOp::create(b, l, a[0]);
                           return math::LogOp::create(b, l, a[0]);
                         });
    }
    FailureOr<Value> result = reshapeTo(rewriter, loc, reduced, resultType);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "cannot keep the dimensions");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "only float softmax");
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(tensor::DimOp::create(rewriter, op.getLoc(),
                                                     adaptor.getInput(), d));
    Value init = createEmpty(rewriter, op.getLoc(), type, dynamicSizes);
    rewriter.replaceOp(
        op, linalg::SoftmaxOp::create(rewriter, op.getLoc(), TypeRange{type},
                                      adaptor.getInput(), init, op.getAxis())
                .getResult()[0]);
    return success();
  }
};

/// x - max - log(sum(exp(x - max))) along the axis, in three generics.
struct LogSoftmaxLowering : OpConversionPattern<LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!isa<FloatType>(elem) || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "only static float log-softmax");
    int64_t rank = type.getRank(), axis = op.getAxis();

    Value max = buildReduction(
        rewriter, loc, x, {axis}, createLowest(rewriter, loc, elem),
        [](OpBuilder &b, Location l, Value v, Value acc) -> Value {
          return arith::MaximumFOp::create(b, l, v, acc);
        });
    auto reducedType = cast<RankedTensorType>(max.getType());
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap dropAxis = identity.dropResult(axis);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    Value zeros = createFilled(rewriter, loc, reducedType,
                               createScalar(rewriter, loc, elem, 0));
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{reducedType}, ValueRange{x, max},
            ValueRange{zeros},
            ArrayRef<AffineMap>{identity, dropAxis, dropAxis}, iterators,
            [](OpBuilder &b, Location l, ValueRange a) {
              Value e = math::ExpOp::create(
                  b, l, arith::SubFOp::create(b, l, a[0], a[1]));
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, e, a[2])});
            })
            .getResult(0);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{x, max, sum},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{identity, dropAxis, dropAxis, identity},
            parallel,
            [](OpBuilder &b, Location l, ValueRange a) {
              Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
              Value log = math::LogOp::create(b, l, a[2]);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::SubFOp::create(b, l, shifted, log)});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The i64 index of the maximum (or minimum) of `x` along `axis`, in a
/// tensor without that dimension: one generic carrying the best value and
/// its index. A strict comparison keeps the first of equal values; a
/// non-strict one (`selectLast`) the last. Null for unsupported types.
Value buildArgReduce(OpBuilder &b, Location loc, Value x, int64_t axis,
                     bool isMax, bool selectLast) {
  auto type = cast<RankedTensorType>(x.getType());
  Type elem = type.getElementType();
  bool isFloat = isa<FloatType>(elem);
  if (!isFloat && !elem.isSignlessInteger())
    return {};
  int64_t rank = type.getRank();
  SmallVector<Value> sizes;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == axis)
      continue;
    shape.push_back(type.getDimSize(d));
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, x, d));
  }
  auto valuesType = RankedTensorType::get(shape, elem);
  auto indicesType = RankedTensorType::get(shape, b.getI64Type());
  Value values = createFilled(
      b, loc, valuesType,
      initValue(b, loc, isMax ? Combine::Max : Combine::Min, elem), sizes);
  Value indices = createFilled(b, loc, indicesType,
                               createScalar(b, loc, b.getI64Type(), 0), sizes);
  auto [reducedMap, iterators] = getReductionMap(rank, {axis}, b.getContext());
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  // Booleans compare unsigned (as signed i1, true is -1).
  bool isUnsigned = elem.isInteger(1);
  auto floatPred = isMax ? (selectLast ? arith::CmpFPredicate::OGE
                                       : arith::CmpFPredicate::OGT)
                         : (selectLast ? arith::CmpFPredicate::OLE
                                       : arith::CmpFPredicate::OLT);
  auto intPred = isMax
                     ? (selectLast ? (isUnsigned ? arith::CmpIPredicate::uge
                                                 : arith::CmpIPredicate::sge)
                                   : (isUnsigned ? arith::CmpIPredicate::ugt
                                                 : arith::CmpIPredicate::sgt))
                     : (selectLast ? (isUnsigned ? arith::CmpIPredicate::ule
                                                 : arith::CmpIPredicate::sle)
                                   : (isUnsigned ? arith::CmpIPredicate::ult
                                                 : arith::CmpIPredicate::slt));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{valuesType, indicesType}, ValueRange{x},
      ValueRange{values, indices},
      ArrayRef<AffineMap>{identity, reducedMap, reducedMap}, iterators,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value better =
            isFloat
                ? arith::CmpFOp::create(nb, l, floatPred, a[0], a[1])
                      .getResult()
                : arith::CmpIOp::create(nb, l, intPred, a[0], a[1]).getResult();
        Value index = arith::IndexCastOp::create(
            nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, axis));
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, a[0], a[1]),
                       arith::SelectOp::create(nb, l, better, index, a[2])});
      });
  return generic.getResult(1);
}

/// kiln.argmax / kiln.argmin, with keepdims as a tensor.expand_shape.
template <typename OpTy, bool isMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(adaptor.getInput().getType());
    Type elem = type.getElementType();
    if (!isa<FloatType>(elem) && !elem.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    if (type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "rank-0 input");
    Value indices =
        buildArgReduce(rewriter, op.getLoc(), adaptor.getInput(), op.getAxis(),
                       isMax, op.getSelectLastIndex());
    FailureOr<Value> result = reshapeTo(rewriter, op.getLoc(), indices,
                                        cast<RankedTensorType>(op.getType()));
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "cannot keep the dimension");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// 1 where the index along the axis is the (first) argmax, 0 elsewhere.
struct HardmaxLowering : OpConversionPattern<HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(HardmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!isa<FloatType>(elem) || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "only float hardmax");
    int64_t rank = type.getRank(), axis = op.getAxis();
    Value x = adaptor.getInput();
    Value argmax = buildArgReduce(rewriter, loc, x, axis, /*isMax=*/true,
                                  /*selectLast=*/false);
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{argmax},
            ValueRange{createEmpty(rewriter, loc, type,
                                   getDynamicSizes(rewriter, loc, x))},
            ArrayRef<AffineMap>{identity.dropResult(axis), identity},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value index = arith::IndexCastOp::create(
                  b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
              Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                                index, a[0]);
              linalg::YieldOp::create(
                  b, l,
                  ValueRange{arith::SelectOp::create(
                      b, l, hit, createScalar(b, l, elem, 1),
                      createScalar(b, l, elem, 0))});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::populateReductionPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ReduceLowering<ReduceSumOp, Combine::Add>,
           ReduceLowering<ReduceMeanOp, Combine::Add, Pre::None, Post::Mean>,
           ReduceLowering<ReduceMaxOp, Combine::Max>,
           ReduceLowering<ReduceMinOp, Combine::Min>,
           ReduceLowering<ReduceProdOp, Combine::Mul>,
           ReduceLowering<ReduceL1Op, Combine::Add, Pre::Abs>,
           ReduceLowering<ReduceL2Op, Combine::Add, Pre::Square, Post::Sqrt>,
           ReduceLowering<ReduceLogSumOp, Combine::Add, Pre::None, Post::Log>,
           ReduceLowering<ReduceLogSumExpOp, Combine::Add, Pre::Exp>,
           ReduceLowering<ReduceSumSquareOp, Combine::Add, Pre::Square>,
           ArgReduceLowering<ArgMaxOp, true>,
           ArgReduceLowering<ArgMinOp, false>, HardmaxLowering, SoftmaxLowering,
           LogSoftmaxLowering>(patterns.getContext());
}
