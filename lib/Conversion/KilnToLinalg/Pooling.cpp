//===- Pooling.cpp - kiln pooling ops to linalg ---------------------------===//
//
// 2-D windows use the named linalg.pooling_nchw_max / _sum over an explicit
// tensor.pad (with -inf for max, zeros for sums). ceil_mode is handled by
// padding the end far enough for the last window; average pooling then
// divides by the number of elements each window really covers, computed at
// compile time, so that neither the ceil-mode overhang nor (without
// count_include_pad) the padding is counted. Global pooling is a reduction.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;

namespace {

/// The static facts of one 2-D pooling window.
struct Window {
  SmallVector<int64_t> in, out, kernel, strides, dilations, low, high;

  /// The end padding that lets the last window fit (ceil_mode may need more
  /// than the op's pads).
  int64_t paddedHigh(int64_t i) const {
    int64_t needed =
        (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    return std::max(high[i], needed - in[i] - low[i]);
  }

  /// How many taps of window `o` along dimension i fall inside [lo, hi)
  /// (coordinates of the unpadded input).
  int64_t count(int64_t i, int64_t o, int64_t lo, int64_t hi) const {
    int64_t n = 0;
    for (int64_t t = 0; t < kernel[i]; ++t) {
      int64_t p = o * strides[i] - low[i] + t * dilations[i];
      n += p >= lo && p < hi;
    }
    return n;
  }
};

template <typename OpTy>
FailureOr<Window> getWindow(OpTy op, ConversionPatternRewriter &rewriter) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  if (inType.getRank() != 4 || !hasStaticShapeBeyondBatch(inType) ||
      !hasStaticShapeBeyondBatch(outType))
    return rewriter.notifyMatchFailure(op, "only static 2-D pooling");
  if (!isa<FloatType>(inType.getElementType()))
    return rewriter.notifyMatchFailure(op, "only float pooling");
  Window w;
  w.in.assign({inType.getDimSize(2), inType.getDimSize(3)});
  w.out.assign({outType.getDimSize(2), outType.getDimSize(3)});
  w.kernel.assign(op.getKernelShape().begin(), op.getKernelShape().end());
  w.strides.assign(op.getStrides().begin(), op.getStrides().end());
  w.dilations.assign(op.getDilations().begin(), op.getDilations().end());
  w.low.assign(op.getPads().begin(), op.getPads().begin() + 2);
  w.high.assign(op.getPads().begin() + 2, op.getPads().end());
  return w;
}

/// Pads `input` for `w` with `value` and runs the pooling op PoolOp into an
/// accumulator filled with `init`.
template <typename PoolOp>
Value buildPool(OpBuilder &b, Location loc, Value input, const Window &w,
                RankedTensorType resultType, Value padValue, Value init) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lows(2, b.getIndexAttr(0)),
      highs(2, b.getIndexAttr(0));
  bool needsPad = false;
  for (int64_t i = 0; i < 2; ++i) {
    int64_t high = w.paddedHigh(i);
    needsPad |= w.low[i] != 0 || high != 0;
    shape[i + 2] += w.low[i] + high;
    lows.push_back(b.getIndexAttr(w.low[i]));
    highs.push_back(b.getIndexAttr(high));
  }
  if (needsPad)
    input = tensor::PadOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), input,
        lows, highs, padValue);
  Value acc = createFilled(b, loc, resultType, init,
                           getDynamicBatch(b, loc, input, resultType));
  Value window =
      tensor::EmptyOp::create(b, loc, w.kernel, resultType.getElementType());
  NamedAttribute attrs[] = {
      b.getNamedAttr("strides", b.getI64TensorAttr(w.strides)),
      b.getNamedAttr("dilations", b.getI64TensorAttr(w.dilations))};
  return PoolOp::create(b, loc, TypeRange{resultType},
                        ValueRange{input, window}, ValueRange{acc}, attrs)
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Window> w = getWindow(op, rewriter);
    if (failed(w))
      return failure();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value lowest =
        createLowest(rewriter, op.getLoc(), resultType.getElementType());
    rewriter.replaceOp(op, buildPool<linalg::PoolingNchwMaxOp>(
                               rewriter, op.getLoc(), adaptor.getInput(), *w,
                               resultType, lowest, lowest));
    return success();
  }
};

struct AvgPoolLowering : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Window> w = getWindow(op, rewriter);
    if (failed(w))
      return failure();
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    Value zero = createScalar(rewriter, loc, elem, 0);
    Value sum = buildPool<linalg::PoolingNchwSumOp>(
        rewriter, loc, adaptor.getInput(), *w, resultType, zero, zero);

    // Divisors per output position [OH, OW]: taps inside the input, or
    // inside the padded input with count_include_pad.
    bool includePad = op.getCountIncludePad();
    SmallVector<Attribute> divisors;
    for (int64_t oh = 0; oh < w->out[0]; ++oh)
      for (int64_t ow = 0; ow < w->out[1]; ++ow) {
        int64_t n = 1;
        int64_t position[] = {oh, ow};
        for (auto [i, o] : llvm::enumerate(position)) {
          int64_t lo = includePad ? -w->low[i] : 0;
          int64_t hi = w->in[i] + (includePad ? w->high[i] : 0);
          n *= w->count(i, o, lo, hi);
        }
        divisors.push_back(
            rewriter.getFloatAttr(elem, std::max<int64_t>(n, 1)));
      }
    bool uniform = llvm::all_equal(divisors);
    Value divisor;
    if (uniform) {
      divisor = arith::ConstantOp::create(rewriter, loc,
                                          cast<TypedAttr>(divisors.front()));
    } else {
      auto type = RankedTensorType::get(w->out, elem);
      divisor = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(type, divisors));
    }
    SmallVector<Value> operands = {sum};
    if (!uniform)
      operands.push_back(divisor);
    auto result = buildBroadcastingGeneric(
        rewriter, op, operands, resultType,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(b, l, a[0], uniform ? divisor : a[1]);
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// Global pooling: reduce the spatial dimensions, then put them back as 1s.
template <typename OpTy, bool isMax>
struct GlobalPoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    if (!isa<FloatType>(elem))
      return rewriter.notifyMatchFailure(op, "only float pooling");
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = 2; d < type.getRank(); ++d) {
      axes.push_back(d);
      count *= type.getDimSize(d);
    }
    if (!isMax && ShapedType::isDynamic(count))
      return rewriter.notifyMatchFailure(op, "dynamic spatial size");
    if (ShapedType::isDynamic(count))
      count = 1;
    Value init = isMax ? createLowest(rewriter, loc, elem)
                       : createScalar(rewriter, loc, elem, 0);
    Value reduced = buildReduction(
        rewriter, loc, input, axes, init,
        [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
          if (isMax)
            return arith::MaximumFOp::create(b, l, x, acc);
          return arith::AddFOp::create(b, l, x, acc);
        });
    if (!isMax) {
      auto reducedType = cast<RankedTensorType>(reduced.getType());
      auto mean = buildBroadcastingGeneric(
          rewriter, op, {reduced}, reducedType,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::DivFOp::create(b, l, a[0],
                                         createScalar(b, l, elem, count));
          });
      if (failed(mean))
        return failure();
      reduced = *mean;
    }
    FailureOr<Value> result = reshapeTo(rewriter, loc, reduced, resultType);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "cannot restore the 1s");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

} // namespace

void kiln::populatePoolingPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering,
               GlobalPoolLowering<GlobalAvgPoolOp, false>,
               GlobalPoolLowering<GlobalMaxPoolOp, true>>(
      patterns.getContext());
}
