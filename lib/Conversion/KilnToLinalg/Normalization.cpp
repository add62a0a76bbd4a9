//===- Normalization.cpp - normalizations to linalg.generic ---------------===//
//
// Inference-mode batch normalization that kiln-fold-batchnorm could not fold
// into a convolution: one elementwise generic reading the four per-channel
// vectors through a map onto dimension 1. Local response normalization: a
// windowed sum of squares across channels (a generic whose input map adds
// the window index to the channel), then x / (bias + alpha/size * sum)^beta.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace kiln;

namespace {

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank();
    if (!isa<FloatType>(elem) || rank < 2)
      return rewriter.notifyMatchFailure(op, "only float [N, C, ...] inputs");
    SmallVector<Value> operands = {adaptor.getInput(), adaptor.getScale(),
                                   adaptor.getBias(), adaptor.getMean(),
                                   adaptor.getVariance()};
    for (Value v : operands)
      if (getElementTypeOrSelf(v.getType()) != elem)
        return rewriter.notifyMatchFailure(op, "mixed element types");
    for (Value v : ArrayRef(operands).drop_front())
      if (cast<RankedTensorType>(v.getType()).getRank() != 1)
        return rewriter.notifyMatchFailure(op, "parameters are not 1-D");
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dynamicSizes.push_back(
            tensor::DimOp::create(rewriter, loc, adaptor.getInput(), d));

    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    SmallVector<AffineMap> maps = {identity, channel, channel,
                                   channel,  channel, identity};
    double epsilon = op.getEpsilon().convertToDouble();
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, operands,
            ValueRange{createEmpty(rewriter, loc, type, dynamicSizes)}, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              // (x - mean) * scale / sqrt(var + eps) + bias
              Value denom = math::SqrtOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, a[4],
                                        createScalar(b, l, elem, epsilon)));
              Value centered = arith::SubFOp::create(b, l, a[0], a[3]);
              Value scaled = arith::DivFOp::create(
                  b, l, arith::MulFOp::create(b, l, centered, a[1]), denom);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, scaled, a[2])});
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    Type elem = type.getElementType();
    int64_t rank = type.getRank(), size = op.getSize();
    if (!isa<FloatType>(elem) || rank < 2 || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "only static float [N, C, ...]");

    // Squares padded along the channels: floor((size-1)/2) before, the rest
    // after, as ONNX centers the window.
    int64_t before = (size - 1) / 2, after = size - 1 - before;
    auto squares = buildBroadcastingGeneric(
        rewriter, op, {x}, type,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::MulFOp::create(b, l, a[0], a[0]);
        });
    if (failed(squares))
      return failure();
    SmallVector<int64_t> paddedShape(type.getShape());
    paddedShape[1] += size - 1;
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)),
        high(rank, rewriter.getIndexAttr(0));
    low[1] = rewriter.getIndexAttr(before);
    high[1] = rewriter.getIndexAttr(after);
    Value zero = createScalar(rewriter, loc, elem, 0);
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, elem), *squares, low,
        high, zero);

    // sum[n, c, ...] = sum over k of padded[n, c + k, ...]; the window
    // operand only gives the k loop its extent.
    SmallVector<AffineExpr> inExprs;
    for (int64_t d = 0; d < rank; ++d)
      inExprs.push_back(d == 1 ? getAffineDimExpr(1, ctx) +
                                     getAffineDimExpr(rank, ctx)
                               : getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inExprs, ctx),
        AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, ctx)),
        AffineMap::getMultiDimIdentityMap(rank + 1, ctx).getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value window = tensor::EmptyOp::create(rewriter, loc, size, elem);
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{padded, window},
            ValueRange{createFilled(rewriter, loc, type, zero)}, maps,
            iterators,
            [](OpBuilder &b, Location l, ValueRange a) {
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, a[0], a[2])});
            })
            .getResult(0);

    double scale = op.getAlpha().convertToDouble() / size;
    double bias = op.getBias().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    auto result = buildBroadcastingGeneric(
        rewriter, op, {x, sums}, type,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value base = arith::AddFOp::create(
              b, l, createScalar(b, l, elem, bias),
              arith::MulFOp::create(b, l, createScalar(b, l, elem, scale),
                                    a[1]));
          Value denom =
              math::PowFOp::create(b, l, base, createScalar(b, l, elem, beta));
          return arith::DivFOp::create(b, l, a[0], denom);
        });
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

} // namespace

void kiln::populateNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, LRNLowering>(patterns.getContext());
}
