//===- Pooling.cpp - kiln pooling ops to linalg ---------------------------===//
//
// 2-D float windows use the named linalg.pooling_nchw_max / _sum over an
// explicit tensor.pad (with -inf for max, zeros for sums); other ranks,
// integer max pooling, Lp pooling and max pooling's indices use one
// linalg.generic over [N, C, O1..Ok, K1..Kk] that reads the padded input at
// o * stride + k * dilation (the indices carry the best value along with its
// flat position in the unpadded input). ceil_mode is handled by
// padding the end far enough for the last window; average pooling then
// divides by the number of elements each window really covers, computed at
// compile time, so that neither the ceil-mode overhang nor (without
// count_include_pad) the padding is counted. Global pooling is a reduction.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"

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
  int64_t k = inType.getRank() - 2;
  if (k < 1 || !hasStaticShapeBeyondBatch(inType) ||
      !hasStaticShapeBeyondBatch(outType))
    return rewriter.notifyMatchFailure(op, "only static [N, C, D...] pooling");
  if (static_cast<int64_t>(op.getKernelShape().size()) != k ||
      static_cast<int64_t>(op.getStrides().size()) != k ||
      static_cast<int64_t>(op.getDilations().size()) != k ||
      static_cast<int64_t>(op.getPads().size()) != 2 * k)
    return rewriter.notifyMatchFailure(op, "window attributes of wrong rank");
  Window w;
  w.in.assign(inType.getShape().begin() + 2, inType.getShape().end());
  w.out.assign(outType.getShape().begin() + 2, outType.getShape().end());
  w.kernel.assign(op.getKernelShape().begin(), op.getKernelShape().end());
  w.strides.assign(op.getStrides().begin(), op.getStrides().end());
  w.dilations.assign(op.getDilations().begin(), op.getDilations().end());
  w.low.assign(op.getPads().begin(), op.getPads().begin() + k);
  w.high.assign(op.getPads().begin() + k, op.getPads().end());
  return w;
}

/// Pads the spatial dimensions of `input` with `value` so that every window
/// of `w` fits (nothing when no padding is needed).
Value padInput(OpBuilder &b, Location loc, Value input, const Window &w,
               Value value) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lows(2, b.getIndexAttr(0)),
      highs(2, b.getIndexAttr(0));
  bool needsPad = false;
  for (size_t i = 0; i < w.kernel.size(); ++i) {
    int64_t high = w.paddedHigh(i);
    needsPad |= w.low[i] != 0 || high != 0;
    shape[i + 2] += w.low[i] + high;
    lows.push_back(b.getIndexAttr(w.low[i]));
    highs.push_back(b.getIndexAttr(high));
  }
  if (!needsPad)
    return input;
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), input, lows,
      highs, value);
}

/// Pools the padded `input` with one linalg.generic over
/// [N, C, O1..Ok, K1..Kk] into `inits` (same [N, C, O...] shape), the input
/// read at o * stride + k * dilation; `body` gets the element and the
/// accumulators and yields the new accumulators.
ValueRange buildPoolGeneric(
    OpBuilder &b, Location loc, Value input, const Window &w, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  int64_t k = w.kernel.size(), loops = 2 + 2 * k;
  SmallVector<AffineExpr> inExprs = {getAffineDimExpr(0, ctx),
                                     getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> windowExprs;
  for (int64_t i = 0; i < k; ++i) {
    AffineExpr o = getAffineDimExpr(2 + i, ctx),
               t = getAffineDimExpr(2 + k + i, ctx);
    inExprs.push_back(o * w.strides[i] + t * w.dilations[i]);
    windowExprs.push_back(t);
  }
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, inExprs, ctx),
                                 AffineMap::get(loops, 0, windowExprs, ctx)};
  maps.append(
      inits.size(),
      AffineMap::getMultiDimIdentityMap(loops, ctx).getMajorSubMap(2 + k));
  SmallVector<utils::IteratorType> iterators(2 + k,
                                             utils::IteratorType::parallel);
  iterators.append(k, utils::IteratorType::reduction);
  // The window operand only gives the K loops their extents.
  Value window = tensor::EmptyOp::create(b, loc, w.kernel,
                                         getElementTypeOrSelf(input.getType()));
  return linalg::GenericOp::create(
             b, loc, TypeRange(inits), ValueRange{input, window}, inits, maps,
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               SmallVector<Value> operands = {args[0]};
               operands.append(args.begin() + 2, args.end());
               linalg::YieldOp::create(nb, nl, body(nb, nl, operands));
             })
      .getResults();
}

/// Pads `input` for `w` with `value` and runs the 2-D pooling op PoolOp into
/// an accumulator filled with `init`.
template <typename PoolOp>
Value buildPool(OpBuilder &b, Location loc, Value input, const Window &w,
                RankedTensorType resultType, Value padValue, Value init) {
  input = padInput(b, loc, input, w, padValue);
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

/// Sums every window of `input` (zero padded): the named op in 2-D, else a
/// generic.
Value buildWindowSum(OpBuilder &b, Location loc, Value input, const Window &w,
                     RankedTensorType resultType) {
  Value zero = createScalar(b, loc, resultType.getElementType(), 0);
  if (w.kernel.size() == 2)
    return buildPool<linalg::PoolingNchwSumOp>(b, loc, input, w, resultType,
                                               zero, zero);
  Value acc = createFilled(b, loc, resultType, zero,
                           getDynamicBatch(b, loc, input, resultType));
  return buildPoolGeneric(b, loc, padInput(b, loc, input, w, zero), w, {acc},
                          [](OpBuilder &nb, Location l, ValueRange a) {
                            return SmallVector<Value>{
                                arith::AddFOp::create(nb, l, a[0], a[1])};
                          })[0];
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    bool isFloat = isa<FloatType>(elem);
    if (!isFloat && !isa<IntegerType>(elem))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    FailureOr<Window> w = getWindow(op, rewriter);
    if (failed(w))
      return failure();
    Location loc = op.getLoc();
    // arith takes signless integers only: unsigned elements (uint8 images)
    // are compared as their signless bits with maxui, and their lowest
    // value, 0, is a signless constant reinterpreted.
    bool isUnsigned = elem.isUnsignedInteger();
    Type compute = toSignless(elem);
    Value lowest =
        isUnsigned ? reinterpret(rewriter, loc,
                                 createScalar(rewriter, loc, compute, 0), elem)
                   : createLowest(rewriter, loc, elem);
    if (isFloat && w->kernel.size() == 2) {
      rewriter.replaceOp(op, buildPool<linalg::PoolingNchwMaxOp>(
                                 rewriter, loc, adaptor.getInput(), *w,
                                 resultType, lowest, lowest));
      return success();
    }
    Value input = adaptor.getInput();
    Value acc = createFilled(rewriter, loc, resultType, lowest,
                             getDynamicBatch(rewriter, loc, input, resultType));
    Value padded = padInput(rewriter, loc, input, *w, lowest);
    Value result = buildPoolGeneric(
        rewriter, loc, padded, *w, {acc},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value x = reinterpret(b, l, a[0], compute),
                best = reinterpret(b, l, a[1], compute);
          // Booleans: max is or (signed i1 reads true as -1).
          Value max =
              isFloat ? arith::MaximumFOp::create(b, l, x, best).getResult()
              : elem.isInteger(1)
                  ? arith::OrIOp::create(b, l, x, best).getResult()
              : isUnsigned ? arith::MaxUIOp::create(b, l, x, best).getResult()
                           : arith::MaxSIOp::create(b, l, x, best).getResult();
          return SmallVector<Value>{reinterpret(b, l, max, elem)};
        })[0];
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// MaxPool's second result: the flat index (row-major over [N, C, D...], or
/// column-major over the spatial dimensions) of the first maximum of each
/// window, tracked with the maximum itself through one generic.
struct MaxPoolIndicesLowering : OpConversionPattern<MaxPoolIndicesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolIndicesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = inType.getElementType();
    if (!isa<FloatType>(elem))
      return rewriter.notifyMatchFailure(op, "only float max pooling indices");
    if (!resultType.getElementType().isInteger(64) || !inType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "only static shapes, i64 result");
    FailureOr<Window> w = getWindow(op, rewriter);
    if (failed(w))
      return failure();
    int64_t k = w->kernel.size();
    // Strides of the flat index: channels (n * C + c) step by the spatial
    // size; spatial dimensions row- or column-major.
    int64_t spatial = 1;
    SmallVector<int64_t> steps(k);
    for (int64_t i = 0; i < k; ++i) {
      int64_t d = op.getColumnMajor() ? i : k - 1 - i;
      steps[d] = spatial;
      spatial *= w->in[d];
    }
    int64_t channels = inType.getDimSize(1);

    Value lowest = createLowest(rewriter, loc, elem);
    Value values = createFilled(rewriter, loc, resultType.clone(elem), lowest);
    Value indices =
        createFilled(rewriter, loc, resultType,
                     createScalar(rewriter, loc, rewriter.getI64Type(), 0));
    Value padded = padInput(rewriter, loc, input, *w, lowest);
    const Window &win = *w;
    rewriter.replaceOp(
        op,
        buildPoolGeneric(
            rewriter, loc, padded, win, {values, indices},
            [&](OpBuilder &b, Location l, ValueRange a) {
              auto index = [&](int64_t dim) -> Value {
                return arith::IndexCastOp::create(
                    b, l, b.getI64Type(), linalg::IndexOp::create(b, l, dim));
              };
              auto constant = [&](int64_t v) {
                return createScalar(b, l, b.getI64Type(), v);
              };
              // (n * C + c) * spatial + sum of position * step, the
              // position o * stride + t * dilation - pad_begin.
              Value flat = arith::AddIOp::create(
                  b, l,
                  arith::MulIOp::create(b, l, index(0), constant(channels)),
                  index(1));
              flat = arith::MulIOp::create(b, l, flat, constant(spatial));
              for (int64_t i = 0; i < k; ++i) {
                Value pos = arith::AddIOp::create(
                    b, l,
                    arith::MulIOp::create(b, l, index(2 + i),
                                          constant(win.strides[i])),
                    arith::MulIOp::create(b, l, index(2 + k + i),
                                          constant(win.dilations[i])));
                pos = arith::SubIOp::create(b, l, pos, constant(win.low[i]));
                flat = arith::AddIOp::create(
                    b, l, flat,
                    arith::MulIOp::create(b, l, pos, constant(steps[i])));
              }
              Value better = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OGT, a[0], a[1]);
              return SmallVector<Value>{
                  arith::SelectOp::create(b, l, better, a[0], a[1]),
                  arith::SelectOp::create(b, l, better, flat, a[2])};
            })[1]);
    return success();
  }
};

struct AvgPoolLowering : OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    if (!isa<FloatType>(elem))
      return rewriter.notifyMatchFailure(op, "only float pooling");
    FailureOr<Window> w = getWindow(op, rewriter);
    if (failed(w))
      return failure();
    Location loc = op.getLoc();
    Value sum =
        buildWindowSum(rewriter, loc, adaptor.getInput(), *w, resultType);

    // Divisors per output position [O1, ..., Ok]: taps inside the input, or
    // inside the padded input with count_include_pad.
    bool includePad = op.getCountIncludePad();
    int64_t k = w->kernel.size();
    SmallVector<Attribute> divisors;
    SmallVector<int64_t> position(k, 0);
    int64_t positions = 1;
    for (int64_t size : w->out)
      positions *= size;
    for (int64_t p = 0; p < positions; ++p) {
      int64_t n = 1;
      for (int64_t i = 0; i < k; ++i) {
        int64_t lo = includePad ? -w->low[i] : 0;
        int64_t hi = w->in[i] + (includePad ? w->high[i] : 0);
        n *= w->count(i, position[i], lo, hi);
      }
      divisors.push_back(rewriter.getFloatAttr(elem, std::max<int64_t>(n, 1)));
      // Next position, the last dimension fastest.
      for (int64_t i = k - 1; i >= 0; --i) {
        if (++position[i] < w->out[i])
          break;
        position[i] = 0;
      }
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

/// (sum over the window of |x|^p)^(1/p), the padding contributing zeros.
struct LpPoolLowering : OpConversionPattern<LpPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LpPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elem = resultType.getElementType();
    if (!isa<FloatType>(elem))
      return rewriter.notifyMatchFailure(op, "only float pooling");
    FailureOr<Window> w = getWindow(op, rewriter);
    if (failed(w))
      return failure();
    Location loc = op.getLoc();
    int64_t p = op.getP();
    Value zero = createScalar(rewriter, loc, elem, 0);
    Value acc = createFilled(
        rewriter, loc, resultType, zero,
        getDynamicBatch(rewriter, loc, adaptor.getInput(), resultType));
    Value padded = padInput(rewriter, loc, adaptor.getInput(), *w, zero);
    Value sums = buildPoolGeneric(
        rewriter, loc, padded, *w, {acc},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value term =
              p == 1 ? math::AbsFOp::create(b, l, a[0]).getResult()
              : p == 2
                  ? arith::MulFOp::create(b, l, a[0], a[0]).getResult()
                  : math::PowFOp::create(b, l, math::AbsFOp::create(b, l, a[0]),
                                         createScalar(b, l, elem, p))
                        .getResult();
          return SmallVector<Value>{arith::AddFOp::create(b, l, term, a[1])};
        })[0];
    if (p == 1) {
      rewriter.replaceOp(op, sums);
      return success();
    }
    auto result = buildBroadcastingGeneric(
        rewriter, op, {sums}, resultType,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (p == 2)
            return math::SqrtOp::create(b, l, a[0]);
          return math::PowFOp::create(b, l, a[0],
                                      createScalar(b, l, elem, 1.0 / p));
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
  patterns.add<MaxPoolLowering, MaxPoolIndicesLowering, AvgPoolLowering,
               LpPoolLowering, GlobalPoolLowering<GlobalAvgPoolOp, false>,
               GlobalPoolLowering<GlobalMaxPoolOp, true>>(
      patterns.getContext());
}
