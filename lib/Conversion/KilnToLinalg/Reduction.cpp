//===- Reduction.cpp - reductions and the softmax family to linalg --------===//
//
// kiln.reduce_* become one reducing linalg.generic (with the element
// transform of L1/L2/sum-square/log-sum-exp folded into its body) followed,
// where needed, by an elementwise finish (mean's division, L2's sqrt, the
// logs) and a tensor.expand_shape for keepdims. Softmax is linalg.softmax;
// log-softmax is max, sum of exp(x - max), and x - max - log(sum).
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
    return f ? arith::MaximumFOp::create(b, loc, x, acc).getResult()
             : arith::MaxSIOp::create(b, loc, x, acc).getResult();
  case Combine::Min:
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
    return arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(
            type, APInt::getSignedMaxValue(type.getIntOrFloatBitWidth())));
  }
  llvm_unreachable("unknown combine");
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

    Value reduced = buildReduction(
        rewriter, loc, input, axes, initValue(rewriter, loc, kind, elem),
        [](OpBuilder &b, Location l, Value x, Value acc) {
          if (pre == Pre::Abs)
            x = math::AbsFOp::create(b, l, x);
          else if (pre == Pre::Square)
            x = arith::MulFOp::create(b, l, x, x);
          else if (pre == Pre::Exp)
            x = math::ExpOp::create(b, l, x);
          return combine(b, l, kind, x, acc);
        });
    if constexpr (post != Post::None) {
      auto finished = buildBroadcastingGeneric(
          rewriter, op, {reduced}, cast<RankedTensorType>(reduced.getType()),
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            if (post == Post::Mean)
              return arith::DivFOp::create(b, l, a[0],
                                           createScalar(b, l, elem, count));
            if (post == Post::Sqrt)
              return math::SqrtOp::create(b, l, a[0]);
            return math::LogOp::create(b, l, a[0]);
          });
      if (failed(finished))
        return failure();
      reduced = *finished;
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
           // exp without subtracting the maximum first: may overflow for
           // large inputs (a two-pass version is future work).
           ReduceLowering<ReduceLogSumExpOp, Combine::Add, Pre::Exp, Post::Log>,
           ReduceLowering<ReduceSumSquareOp, Combine::Add, Pre::Square>,
           SoftmaxLowering, LogSoftmaxLowering>(patterns.getContext());
}
