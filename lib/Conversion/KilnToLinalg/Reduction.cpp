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
    if (op.getDynamicAxes() || !op.getAxes())
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
